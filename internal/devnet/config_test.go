package devnet

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfigWithDefaults(t *testing.T) {
	got := Config{DataDir: "d"}.WithDefaults()

	require.Equal(t, "d", got.DataDir)
	require.Equal(t, time.Second, got.BlockTime)
	require.Equal(t, "127.0.0.1:0", got.RPCAddr)
	require.Same(t, slog.Default(), got.Logger)
	require.False(t, got.NativeOracle)
}

func TestConfigWithDefaultsKeepsValues(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	in := Config{DataDir: "d", BlockTime: 100 * time.Millisecond, RPCAddr: "127.0.0.1:30333", Logger: log}

	got := in.WithDefaults()

	require.Equal(t, in, got)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "defaults", cfg: Config{DataDir: "d"}},
		{name: "fast blocks", cfg: Config{DataDir: "d", BlockTime: 100 * time.Millisecond}},
		{name: "slowest blocks", cfg: Config{DataDir: "d", BlockTime: 30 * time.Second}},
		{name: "fixed port", cfg: Config{DataDir: "d", RPCAddr: "127.0.0.1:30333"}},
		{name: "missing data dir", cfg: Config{}, wantErr: "data dir is missing"},
		{
			name:    "blocks too fast",
			cfg:     Config{DataDir: "d", BlockTime: 5 * time.Millisecond},
			wantErr: "block time 5ms is outside [10ms, 30s]",
		},
		{
			name:    "blocks too slow",
			cfg:     Config{DataDir: "d", BlockTime: time.Minute},
			wantErr: "block time 1m0s is outside [10ms, 30s]",
		},
		{
			name:    "negative block time",
			cfg:     Config{DataDir: "d", BlockTime: -time.Second},
			wantErr: "outside",
		},
		{
			name:    "fraction of a millisecond",
			cfg:     Config{DataDir: "d", BlockTime: 100*time.Millisecond + time.Microsecond},
			wantErr: "not a whole number of milliseconds",
		},
		{
			name:    "rpc addr without port",
			cfg:     Config{DataDir: "d", RPCAddr: "127.0.0.1"},
			wantErr: `rpc addr "127.0.0.1"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "invalid devnet config: ")
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
