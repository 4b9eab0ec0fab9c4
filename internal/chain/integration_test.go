//go:build integration

package chain_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

const blockTime = 100 * time.Millisecond

// env is a devnet chain with the emitter contract deployed and a migrated
// database.
type env struct {
	net     *devnet.Chain
	emitter util.Uint160
	db      *store.DB
	log     *slog.Logger
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))

	net, err := devnet.Start(ctx, devnet.Config{DataDir: t.TempDir(), BlockTime: blockTime, Logger: log})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, net.Close()) })

	ctr := neotest.CompileFile(t, net.CommitteeHash(), "testdata/emitter/emitter.go", "testdata/emitter/emitter.yml")
	h, err := net.Deploy(ctx, "emitter", ctr.NEF, ctr.Manifest, nil)
	require.NoError(t, err)

	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "chain.db")})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, chain.Migrate(ctx, db))

	return &env{net: net, emitter: h, db: db, log: log}
}

func (e *env) dial() chain.Dialer {
	return chain.DialWS(e.net.WSURL(), rpcclient.WSOptions{})
}

// run starts r.Run in the background and returns a function that stops it
// and waits for it to return.
func run(t *testing.T, r interface{ Run(context.Context) error }) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}
