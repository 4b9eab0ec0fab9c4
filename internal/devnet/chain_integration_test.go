//go:build integration

package devnet_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devnet"
)

// startChain starts a chain with cfg and closes it when the test ends.
func startChain(t *testing.T, cfg devnet.Config) *devnet.Chain {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	started := time.Now()
	c, err := devnet.Start(ctx, cfg)
	require.NoError(t, err)
	t.Logf("start at %s blocks took %s", cfg.BlockTime, time.Since(started))

	t.Cleanup(func() {
		require.NoError(t, c.Close())
	})
	return c
}

// waitHeight waits until the chain's height reaches at least h.
func waitHeight(t *testing.T, c *devnet.Chain, h uint32) {
	t.Helper()
	timeout := 20*c.BlockTime() + 5*time.Second
	require.Eventually(t, func() bool { return c.Height() >= h }, timeout, c.BlockTime()/4,
		"height %d not reached, got %d", h, c.Height())
}

func TestChainBlocksAdvanceAt100ms(t *testing.T) {
	c := startChain(t, devnet.Config{DataDir: t.TempDir(), BlockTime: 100 * time.Millisecond})

	start := c.Height()
	waitHeight(t, c, start+11)

	// Block timestamps are in milliseconds. The first block is skipped
	// because it may have waited for the services to start.
	first, err := c.Client().GetBlockByIndex(start + 1)
	require.NoError(t, err)
	last, err := c.Client().GetBlockByIndex(start + 11)
	require.NoError(t, err)
	mean := time.Duration(last.Timestamp-first.Timestamp) * time.Millisecond / 10
	require.InDelta(t, 100*time.Millisecond, mean, float64(20*time.Millisecond),
		"mean block interval got %s, want 100ms", mean)
}

func TestChainRestartContinues(t *testing.T) {
	dir := t.TempDir()
	cfg := devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond}

	first := startChain(t, cfg)
	alice, err := first.Account("alice")
	require.NoError(t, err)
	committee := first.CommitteeHash()
	genesis, err := first.Client().GetBlockHash(0)
	require.NoError(t, err)
	waitHeight(t, first, 5)
	require.NoError(t, first.Close())
	stoppedAt := first.Height()

	second := startChain(t, cfg)
	require.GreaterOrEqual(t, second.Height(), stoppedAt, "height after restart")
	waitHeight(t, second, stoppedAt+3)

	require.Equal(t, first.Magic(), second.Magic())
	version, err := second.Client().GetVersion()
	require.NoError(t, err)
	require.Equal(t, devnet.NetworkMagic, uint32(version.Protocol.Network), "network magic over RPC")
	require.Equal(t, committee, second.CommitteeHash(), "committee after restart")

	genesisAgain, err := second.Client().GetBlockHash(0)
	require.NoError(t, err)
	require.Equal(t, genesis, genesisAgain, "genesis hash after restart")

	aliceAgain, err := second.Account("alice")
	require.NoError(t, err)
	require.Equal(t, alice.Address, aliceAgain.Address, "alice after restart")
	require.Equal(t, alice.PrivateKey().Bytes(), aliceAgain.PrivateKey().Bytes(), "alice key after restart")
}

func TestChainRestartChangesBlockTime(t *testing.T) {
	dir := t.TempDir()

	slow := startChain(t, devnet.Config{DataDir: dir, BlockTime: 300 * time.Millisecond})
	waitHeight(t, slow, 2)
	require.NoError(t, slow.Close())

	fast := startChain(t, devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond})
	start := fast.Height()
	waitHeight(t, fast, start+6)

	first, err := fast.Client().GetBlockByIndex(start + 1)
	require.NoError(t, err)
	last, err := fast.Client().GetBlockByIndex(start + 6)
	require.NoError(t, err)
	mean := time.Duration(last.Timestamp-first.Timestamp) * time.Millisecond / 5
	require.InDelta(t, 100*time.Millisecond, mean, float64(20*time.Millisecond),
		"mean block interval after restart got %s, want 100ms", mean)
}

func TestChainCloseReleasesPort(t *testing.T) {
	dir := t.TempDir()

	first := startChain(t, devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond})
	url := first.RPCURL()
	addr := url[len("http://"):]
	require.NoError(t, first.Close())
	require.NoError(t, first.Close(), "second Close")

	_, err := http.Get(url)
	require.Error(t, err, "RPC still answers after Close")

	second := startChain(t, devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond, RPCAddr: addr})
	require.Equal(t, url, second.RPCURL())
	_, err = second.Client().GetBlockCount()
	require.NoError(t, err)
}

func TestChainCloseWithSubscribedClient(t *testing.T) {
	c := startChain(t, devnet.Config{DataDir: t.TempDir(), BlockTime: 100 * time.Millisecond})
	ws, err := rpcclient.NewWS(context.Background(), c.WSURL(), rpcclient.WSOptions{})
	require.NoError(t, err)
	t.Cleanup(ws.Close)
	require.NoError(t, ws.Init())
	blocks := make(chan *block.Block, 100)
	_, err = ws.ReceiveBlocks(nil, blocks)
	require.NoError(t, err)
	<-blocks

	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()

	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while a client was subscribed")
	}
}

func TestStartRejectsLockedDataDir(t *testing.T) {
	dir := t.TempDir()
	startChain(t, devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond})

	_, err := devnet.Start(context.Background(), devnet.Config{DataDir: dir})
	require.ErrorContains(t, err, "open chain store")
}
