package chain

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"sync/atomic"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/io"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/callflag"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/emit"
	"github.com/nspcc-dev/neo-go/pkg/vm/opcode"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

const doneTable = `CREATE TABLE done (
    send_key TEXT PRIMARY KEY,
    state    TEXT NOT NULL,
    vm_state TEXT NOT NULL
)`

// senderFixture is a Sender on a test chain. Its OnDone records each call
// in the done table, whose primary key fails a second call for a key.
type senderFixture struct {
	c      *testChain
	db     *store.DB
	s      *Sender
	builds atomic.Int32
}

func newSenderFixture(t *testing.T, rebuild RebuildFunc) *senderFixture {
	t.Helper()
	f := &senderFixture{c: newTestChain(t), db: openTestDB(t)}
	_, err := f.db.SQL().ExecContext(context.Background(), doneTable)
	require.NoError(t, err)

	f.s, err = NewSender(SenderConfig{
		Dial:    noDial,
		DB:      f.db,
		Rebuild: rebuild,
		OnDone:  recordDone,
	})
	require.NoError(t, err)
	return f
}

func recordDone(ctx context.Context, tx *sql.Tx, r Result) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO done (send_key, state, vm_state) VALUES ($1, $2, $3)",
		r.Key, string(r.State), r.VMState.String())
	return err
}

// transferTx builds a signed GAS transfer valid until the next block.
func (f *senderFixture) transferTx(t *testing.T, amount int64) *transaction.Transaction {
	t.Helper()
	e := f.c.e
	return e.NewTx(t, []neotest.Signer{e.Committee}, f.c.gas, "transfer",
		e.CommitteeHash, util.Uint160{9}, amount, nil)
}

// build returns a BuildFunc that counts its calls.
func (f *senderFixture) build(t *testing.T, amount int64) BuildFunc {
	return func(context.Context) (*transaction.Transaction, error) {
		f.builds.Add(1)
		return f.transferTx(t, amount), nil
	}
}

func (f *senderFixture) check(t *testing.T) {
	t.Helper()
	require.NoError(t, f.s.check(context.Background(), f.c.node))
}

func (f *senderFixture) doneRows(t *testing.T) map[string]string {
	t.Helper()
	rows, err := f.db.SQL().QueryContext(context.Background(), "SELECT send_key, state, vm_state FROM done")
	require.NoError(t, err)
	defer rows.Close()

	got := map[string]string{}
	for rows.Next() {
		var key, state, vm string
		require.NoError(t, rows.Scan(&key, &state, &vm))
		got[key] = state + "/" + vm
	}
	require.NoError(t, rows.Err())
	return got
}

func TestSendIncludedCallsOnDoneOnce(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()

	hash, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	st, err := f.s.Status(ctx, "k/1")
	require.NoError(t, err)
	require.Equal(t, StateSent, st.State)
	require.Equal(t, hash, st.TxHash)

	f.check(t) // not relayed by Send without a connection: check relays it
	require.True(t, f.c.node.bc.GetMemPool().ContainsKey(hash))
	f.c.mine(t)
	f.check(t)
	f.check(t)

	st, err = f.s.Status(ctx, "k/1")
	require.NoError(t, err)
	require.Equal(t, StateIncluded, st.State)
	require.Equal(t, vmstate.Halt, st.VMState)
	require.Equal(t, f.c.node.bc.BlockHeight(), st.BlockIndex)
	require.Positive(t, st.GasConsumed)
	require.Equal(t, map[string]string{"k/1": "included/HALT"}, f.doneRows(t))

	again, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	require.Equal(t, hash, again)
	require.Equal(t, int32(1), f.builds.Load(), "build calls")
}

func TestSendSkipsLiveKey(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()

	first, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	second, err := f.s.Send(ctx, "k/1", f.build(t, 2))
	require.NoError(t, err)

	require.Equal(t, first, second)
	require.Equal(t, int32(1), f.builds.Load(), "build calls")
}

func TestCheckRelaysLostTransaction(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()
	pool := f.c.node.bc.GetMemPool()

	hash, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	f.check(t)
	require.True(t, pool.ContainsKey(hash))

	pool.Remove(hash) // as after a node restart or an eviction
	require.False(t, pool.ContainsKey(hash))
	f.check(t)
	require.True(t, pool.ContainsKey(hash), "relayed again")

	f.c.mine(t)
	f.check(t)
	require.Equal(t, map[string]string{"k/1": "included/HALT"}, f.doneRows(t))
}

func TestCheckRebuildsExpiredTransaction(t *testing.T) {
	var rebuilt atomic.Int32
	var f *senderFixture
	f = newSenderFixture(t, func(_ context.Context, key string) (*transaction.Transaction, error) {
		require.Equal(t, "k/1", key)
		rebuilt.Add(1)
		return f.transferTx(t, 2), nil
	})
	ctx := context.Background()

	first, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	// The node never receives it, and the chain moves past its valid-until
	// block.
	f.c.e.AddNewBlock(t)

	f.check(t)
	require.Equal(t, int32(1), rebuilt.Load(), "rebuild calls")
	st, err := f.s.Status(ctx, "k/1")
	require.NoError(t, err)
	require.Equal(t, 2, st.Attempt)
	require.Equal(t, StateSent, st.State)
	require.NotEqual(t, first, st.TxHash)

	f.c.mine(t)
	f.check(t)
	st, err = f.s.Status(ctx, "k/1")
	require.NoError(t, err)
	require.Equal(t, StateIncluded, st.State)
	require.Equal(t, map[string]string{"k/1": "included/HALT"}, f.doneRows(t))
	require.Equal(t, int32(1), rebuilt.Load(), "rebuild calls")
}

func TestCheckAbandonsExpiredTransaction(t *testing.T) {
	tests := []struct {
		name    string
		rebuild RebuildFunc
	}{
		{name: "no rebuild", rebuild: nil},
		{name: "rebuild abandons", rebuild: func(context.Context, string) (*transaction.Transaction, error) {
			return nil, ErrAbandon
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newSenderFixture(t, tc.rebuild)
			ctx := context.Background()
			_, err := f.s.Send(ctx, "k/1", f.build(t, 1))
			require.NoError(t, err)
			f.c.e.AddNewBlock(t)

			f.check(t)
			f.check(t)

			st, err := f.s.Status(ctx, "k/1")
			require.NoError(t, err)
			require.Equal(t, StateAbandoned, st.State)
			require.Equal(t, map[string]string{"k/1": "abandoned/NONE"}, f.doneRows(t))

			// The owner may start over explicitly.
			_, err = f.s.Send(ctx, "k/1", f.build(t, 1))
			require.NoError(t, err)
			st, err = f.s.Status(ctx, "k/1")
			require.NoError(t, err)
			require.Equal(t, 2, st.Attempt)
		})
	}
}

func TestCheckRecordsFault(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()
	e := f.c.e

	w := io.NewBufBinWriter()
	emit.AppCall(w.BinWriter, f.c.gas, "transfer", callflag.All,
		e.CommitteeHash, util.Uint160{9}, new(big.Int).Lsh(big.NewInt(1), 100), nil)
	emit.Opcodes(w.BinWriter, opcode.ASSERT)
	require.NoError(t, w.Err)
	faulty := e.PrepareInvocation(t, w.Bytes(), []neotest.Signer{e.Committee})

	_, err := f.s.Send(ctx, "k/fault", func(context.Context) (*transaction.Transaction, error) {
		return faulty, nil
	})
	require.NoError(t, err)
	f.check(t)
	f.c.mine(t)
	f.check(t)

	st, err := f.s.Status(ctx, "k/fault")
	require.NoError(t, err)
	require.Equal(t, StateIncluded, st.State)
	require.Equal(t, vmstate.Fault, st.VMState)
	require.Contains(t, st.Exception, "ASSERT")
	require.Equal(t, map[string]string{"k/fault": "included/FAULT"}, f.doneRows(t))
}

func TestCheckRetriesFailedOnDone(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()
	var calls atomic.Int32
	f.s.cfg.OnDone = func(ctx context.Context, tx *sql.Tx, r Result) error {
		if calls.Add(1) == 1 {
			return errors.New("database busy elsewhere")
		}
		return recordDone(ctx, tx, r)
	}

	_, err := f.s.Send(ctx, "k/1", f.build(t, 1))
	require.NoError(t, err)
	f.check(t)
	f.c.mine(t)

	require.ErrorContains(t, f.s.check(ctx, f.c.node), "database busy elsewhere")
	st, err := f.s.Status(ctx, "k/1")
	require.NoError(t, err)
	require.Equal(t, StateSent, st.State, "inclusion rolled back with the hook")

	f.check(t)
	f.check(t)
	require.Equal(t, int32(2), calls.Load(), "on done calls")
	require.Equal(t, map[string]string{"k/1": "included/HALT"}, f.doneRows(t))
}

func TestSendRejectsBadTransactions(t *testing.T) {
	f := newSenderFixture(t, nil)
	ctx := context.Background()
	unsigned := f.c.e.NewUnsignedTx(t, f.c.gas, "symbol")
	unsigned.Signers = []transaction.Signer{{Account: f.c.e.CommitteeHash}}

	tests := []struct {
		name  string
		key   string
		build BuildFunc
		want  string
	}{
		{name: "empty key", key: "", build: f.build(t, 1), want: "key is missing"},
		{name: "build error", key: "k/a", build: func(context.Context) (*transaction.Transaction, error) {
			return nil, errors.New("no funds")
		}, want: "no funds"},
		{name: "nil transaction", key: "k/b", build: func(context.Context) (*transaction.Transaction, error) {
			return nil, nil
		}, want: "no transaction"},
		{name: "unsigned", key: "k/c", build: func(context.Context) (*transaction.Transaction, error) {
			return unsigned, nil
		}, want: "want it signed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.Send(ctx, tc.key, tc.build)
			require.ErrorContains(t, err, tc.want)
		})
	}

	_, err := f.s.Status(ctx, "k/c")
	require.ErrorIs(t, err, store.ErrNotFound)
}
