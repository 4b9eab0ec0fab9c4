package accountpool_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

func TestRunStopsOnSeedMismatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "pool.db")

	first := newOfflinePool(t, openDB(t, path), newClock(), nil)
	_, err := first.Lease(ctx, "vrf", "", 2, 0)
	require.NoError(t, err)

	cfg := offlineConfig(t, openDB(t, path), newClock())
	cfg.Seed = testSeed(t, 0x22)
	svc, err := accountpool.New(cfg)
	require.NoError(t, err)
	err = svc.Run(ctx)
	require.ErrorContains(t, err, "was not derived from the configured seed")
}
