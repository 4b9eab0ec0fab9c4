//go:build integration

package devnet_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devnet"
)

// BenchmarkStart measures Start on an empty DataDir (fresh) and on the
// DataDir of a stopped chain (restart), each followed by Close.
func BenchmarkStart(b *testing.B) {
	for _, blockTime := range []time.Duration{time.Second, 100 * time.Millisecond} {
		b.Run("fresh/"+blockTime.String(), func(b *testing.B) {
			for b.Loop() {
				startClose(b, devnet.Config{DataDir: b.TempDir(), BlockTime: blockTime})
			}
		})
		b.Run("restart/"+blockTime.String(), func(b *testing.B) {
			cfg := devnet.Config{DataDir: b.TempDir(), BlockTime: blockTime}
			startClose(b, cfg)
			for b.Loop() {
				startClose(b, cfg)
			}
		})
	}
}

func startClose(b *testing.B, cfg devnet.Config) {
	b.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)

	c, err := devnet.Start(context.Background(), cfg)
	require.NoError(b, err)
	require.NoError(b, c.Close())
}
