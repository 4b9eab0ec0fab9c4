package accountpool_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

// unusedNode is a loopback address where no node listens. Tests that must
// not reach the chain point the pool there, so a stray call fails loudly.
const unusedNode = "127.0.0.1:9"

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testSeed(t *testing.T, fill byte) accountpool.Seed {
	t.Helper()
	seed, err := accountpool.NewSeed(bytes.Repeat([]byte{fill}, 32))
	require.NoError(t, err)
	return seed
}

// openDB opens (creating if needed) a migrated database at path, or in a
// new temporary directory when path is empty.
func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "accountpool.db")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: path})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, chain.Migrate(ctx, db))
	require.NoError(t, accountpool.Migrate(ctx, db))
	return db
}

// offlineConfig is a pool configuration whose node address has no node:
// enough for leases, which need only the database.
func offlineConfig(t *testing.T, db *store.DB, clk *clock) accountpool.Config {
	t.Helper()
	rpc, err := rpcclient.New(context.Background(), "http://"+unusedNode, rpcclient.Options{})
	require.NoError(t, err)
	t.Cleanup(rpc.Close)
	return accountpool.Config{
		Seed:  testSeed(t, 0x11),
		DB:    db,
		Dial:  chain.DialWS("ws://"+unusedNode+"/ws", rpcclient.WSOptions{}),
		RPC:   rpc,
		Magic: 0x56444c53,
		Clock: clk.Now,
	}
}

func newOfflinePool(t *testing.T, db *store.DB, clk *clock, mutate func(*accountpool.Config)) *accountpool.Pool {
	t.Helper()
	cfg := offlineConfig(t, db, clk)
	if mutate != nil {
		mutate(&cfg)
	}
	svc, err := accountpool.New(cfg)
	require.NoError(t, err)
	return svc.Pool()
}

func indexes(l accountpool.Lease) []int64 {
	out := make([]int64, len(l.Accounts))
	for i, a := range l.Accounts {
		out[i] = a.Index
	}
	return out
}
