//go:build integration

package chain_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// doneLog collects OnDone calls.
type doneLog struct {
	mu      sync.Mutex
	results []chain.Result
}

func (d *doneLog) onDone(_ context.Context, _ *sql.Tx, r chain.Result) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.results = append(d.results, r)
	return nil
}

func (d *doneLog) all() []chain.Result {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]chain.Result(nil), d.results...)
}

// actorFor returns an actor signing as dev account name, funded with gas
// datoshi unless gas is 0.
func (e *env) actorFor(t *testing.T, name string, gas int64) *actor.Actor {
	t.Helper()
	acc, err := e.net.Account(name)
	require.NoError(t, err)
	if gas > 0 {
		require.NoError(t, e.net.Fund(context.Background(), acc.ScriptHash(), gas))
	}
	a, err := actor.NewSimple(e.net.Client(), acc)
	require.NoError(t, err)
	return a
}

func (e *env) sender(t *testing.T, rebuild chain.RebuildFunc, done *doneLog) *chain.Sender {
	t.Helper()
	s, err := chain.NewSender(chain.SenderConfig{
		Dial:    e.dial(),
		DB:      e.db,
		Rebuild: rebuild,
		OnDone:  done.onDone,
		Log:     e.log,
	})
	require.NoError(t, err)
	return s
}

func waitDone(t *testing.T, done *doneLog, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(done.all()) >= n }, 20*time.Second, 10*time.Millisecond,
		"OnDone calls: got %d, want %d", len(done.all()), n)
}

func TestSenderResendsExpiredTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The first attempt is signed by an account without GAS: the node
	// rejects it, so it can only expire. The rebuild uses a funded one.
	broke := e.actorFor(t, "broke", 0)
	funded := e.actorFor(t, "funded", 10_0000_0000)

	var rebuilds atomic.Int32
	rebuild := func(_ context.Context, key string) (*transaction.Transaction, error) {
		require.Equal(t, "test/emit/1", key)
		rebuilds.Add(1)
		return funded.MakeCall(e.emitter, "emit", 1, 1)
	}
	done := &doneLog{}
	s := e.sender(t, rebuild, done)
	run(t, s)

	first, err := s.Send(ctx, "test/emit/1", func(context.Context) (*transaction.Transaction, error) {
		return broke.MakeCall(e.emitter, "emit", 1, 1)
	})
	require.NoError(t, err)

	waitDone(t, done, 1)
	time.Sleep(5 * blockTime) // room for a second OnDone to show up
	results := done.all()
	require.Len(t, results, 1, "OnDone calls")
	r := results[0]
	require.Equal(t, chain.StateIncluded, r.State)
	require.Equal(t, vmstate.Halt, r.VMState)
	require.Equal(t, 2, r.Attempt)
	require.NotEqual(t, first, r.TxHash)
	require.Equal(t, int32(1), rebuilds.Load(), "rebuild calls")

	st, err := s.Status(ctx, "test/emit/1")
	require.NoError(t, err)
	require.Equal(t, r.TxHash, st.TxHash)
	require.Equal(t, chain.StateIncluded, st.State)
}

func TestSenderOnDoneOnceAcrossRestart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	funded := e.actorFor(t, "funded", 10_0000_0000)
	var builds atomic.Int32
	build := func(context.Context) (*transaction.Transaction, error) {
		builds.Add(1)
		return funded.MakeCall(e.emitter, "emit", 7, 1)
	}

	done := &doneLog{}
	s := e.sender(t, nil, done)
	stop := run(t, s)
	// Send right after Run starts: the relay happens in Send or, if Run
	// has not connected yet, on the first check.
	hash, err := s.Send(ctx, "test/emit/7", build)
	require.NoError(t, err)
	waitDone(t, done, 1)
	stop()

	restarted := e.sender(t, nil, done)
	run(t, restarted)
	again, err := restarted.Send(ctx, "test/emit/7", build)
	require.NoError(t, err)
	require.Equal(t, hash, again)
	time.Sleep(5 * blockTime)

	require.Len(t, done.all(), 1, "OnDone calls")
	require.Equal(t, hash, done.all()[0].TxHash)
	require.Equal(t, int32(1), builds.Load(), "build calls")
}
