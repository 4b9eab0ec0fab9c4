package enclave_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

func TestActivateCoordinatorDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	env := map[string]string{
		enclave.EnvCoordinatorAddr: addr,
		enclave.EnvMarbleType:      "vrf",
		enclave.EnvUUIDFile:        filepath.Join(t.TempDir(), "uuid"),
	}

	_, err = enclave.Activate(t.Context(), enclave.Config{
		Service: "vrf",
		Getenv:  func(key string) string { return env[key] },
		Timeout: 300 * time.Millisecond,
		Log:     testLogger(t),
	})

	require.ErrorIs(t, err, enclave.ErrCoordinatorUnreachable)
	require.ErrorContains(t, err, "activate vrf marble: coordinator unreachable at "+addr)
}

func TestActivateWrongMarbleType(t *testing.T) {
	env := map[string]string{enclave.EnvMarbleType: "oracle"}

	_, err := enclave.Activate(t.Context(), enclave.Config{
		Service: "vrf",
		Getenv:  func(key string) string { return env[key] },
	})

	require.ErrorContains(t, err, `activate vrf marble: EDG_MARBLE_TYPE is "oracle" but this process runs "vrf"`)
}

func TestActivateCanceled(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	env := map[string]string{
		enclave.EnvCoordinatorAddr: addr,
		enclave.EnvMarbleType:      "vrf",
		enclave.EnvUUIDFile:        filepath.Join(t.TempDir(), "uuid"),
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)

	_, err = enclave.Activate(ctx, enclave.Config{
		Service: "vrf",
		Getenv:  func(key string) string { return env[key] },
		Log:     testLogger(t),
	})

	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, enclave.ErrCoordinatorUnreachable)
}
