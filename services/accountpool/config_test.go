package accountpool_test

import (
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

func TestConfigWithDefaults(t *testing.T) {
	c := accountpool.Config{}.WithDefaults()
	require.Equal(t, accountpool.DefaultPoolSize, c.PoolSize)
	require.Equal(t, accountpool.DefaultMaxLeaseAccounts, c.MaxLeaseAccounts)
	require.Equal(t, accountpool.DefaultLeaseTTL, c.DefaultLeaseTTL)
	require.Equal(t, accountpool.DefaultMaxLeaseTTL, c.MaxLeaseTTL)
	require.Equal(t, accountpool.DefaultTopUpBelow, c.TopUpBelow)
	require.Equal(t, accountpool.DefaultTopUpTo, c.TopUpTo)
	require.NotNil(t, c.Clock)
	require.NotNil(t, c.Log)

	small := accountpool.Config{PoolSize: 3}.WithDefaults()
	require.Equal(t, 3, small.MaxLeaseAccounts, "max lease accounts capped by pool size")
}

func TestConfigValidate(t *testing.T) {
	key, err := keys.NewPrivateKey()
	require.NoError(t, err)
	treasury := wallet.NewAccountFromPrivateKey(key)

	tests := []struct {
		name   string
		mutate func(c *accountpool.Config)
		want   string
	}{
		{name: "valid", mutate: func(*accountpool.Config) {}},
		{name: "no seed", mutate: func(c *accountpool.Config) { c.Seed = accountpool.Seed{} }, want: "seed is missing"},
		{name: "no db", mutate: func(c *accountpool.Config) { c.DB = nil }, want: "db is missing"},
		{name: "no dial", mutate: func(c *accountpool.Config) { c.Dial = nil }, want: "dial is missing"},
		{name: "no rpc", mutate: func(c *accountpool.Config) { c.RPC = nil }, want: "rpc is missing"},
		{name: "no magic", mutate: func(c *accountpool.Config) { c.Magic = 0 }, want: "magic is missing"},
		{name: "negative pool", mutate: func(c *accountpool.Config) { c.PoolSize = -1 }, want: "pool size"},
		{
			name:   "lease bigger than pool",
			mutate: func(c *accountpool.Config) { c.PoolSize, c.MaxLeaseAccounts = 2, 3 },
			want:   "max lease accounts",
		},
		{
			name:   "default ttl above max",
			mutate: func(c *accountpool.Config) { c.DefaultLeaseTTL, c.MaxLeaseTTL = time.Hour, time.Minute },
			want:   "default lease ttl",
		},
		{
			name:   "negative poll",
			mutate: func(c *accountpool.Config) { c.PollInterval = -time.Second },
			want:   "sweep and poll intervals",
		},
		{
			name: "top-up target below threshold",
			mutate: func(c *accountpool.Config) {
				c.Treasury, c.TopUpBelow, c.TopUpTo = treasury, 5*accountpool.OneGAS, accountpool.OneGAS
			},
			want: "top-up target",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := offlineConfig(t, nil, newClock())
			c.DB = openDB(t, "")
			tc.mutate(&c)
			err := c.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "invalid accountpool config: "+tc.want)
		})
	}
}
