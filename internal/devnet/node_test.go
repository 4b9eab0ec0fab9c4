package devnet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNeoConfigIsValid(t *testing.T) {
	key := newTestKey(t)
	cfg := Config{DataDir: t.TempDir(), BlockTime: 100 * time.Millisecond, NativeOracle: true}.WithDefaults()

	nc, err := neoConfig(cfg, key.PublicKey())
	require.NoError(t, err)

	require.Equal(t, NetworkMagic, uint32(nc.ProtocolConfiguration.Magic))
	require.Equal(t, []string{key.PublicKey().StringCompressed()}, nc.ProtocolConfiguration.StandbyCommittee)
	require.Equal(t, 100*time.Millisecond, nc.ProtocolConfiguration.Genesis.TimePerBlock)
	require.Equal(t, []string{"127.0.0.1:0"}, nc.ApplicationConfiguration.RPC.Addresses)
	require.True(t, nc.ApplicationConfiguration.Oracle.Enabled, "oracle enabled")
	require.True(t, nc.ApplicationConfiguration.Oracle.AllowPrivateHost, "oracle allows private hosts")
}
