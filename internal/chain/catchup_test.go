package chain

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

const seenTable = `CREATE TABLE seen (
    tx_hash TEXT NOT NULL,
    idx     BIGINT NOT NULL,
    block   BIGINT NOT NULL,
    amount  BIGINT NOT NULL,
    PRIMARY KEY (tx_hash, idx)
)`

// recordEvent is a Handler that inserts each event into seen. The primary
// key makes a second hand-over of the same event fail the test.
func recordEvent(ctx context.Context, tx *sql.Tx, ev Event) error {
	amount, err := ev.Params[2].TryInteger()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		"INSERT INTO seen (tx_hash, idx, block, amount) VALUES ($1, $2, $3, $4)",
		ev.TxHash.StringLE(), ev.Index, ev.BlockIndex, amount.Int64())
	return err
}

type seenRow struct {
	TxHash util.Uint256
	Index  int
	Amount int64
}

func seenRows(t *testing.T, db *store.DB) []seenRow {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(),
		"SELECT tx_hash, idx, amount FROM seen ORDER BY block, tx_hash, idx")
	require.NoError(t, err)
	defer rows.Close()

	var got []seenRow
	for rows.Next() {
		var r seenRow
		var hash string
		require.NoError(t, rows.Scan(&hash, &r.Index, &r.Amount))
		r.TxHash, err = util.Uint256DecodeStringLE(hash)
		require.NoError(t, err)
		got = append(got, r)
	}
	require.NoError(t, rows.Err())
	return got
}

func storedNext(t *testing.T, db *store.DB, cursor string) uint32 {
	t.Helper()
	var next int64
	err := db.SQL().QueryRowContext(context.Background(),
		"SELECT next_height FROM chain_cursors WHERE name = $1", cursor).Scan(&next)
	require.NoError(t, err)
	return uint32(next)
}

func newTestListener(t *testing.T, c *testChain, db *store.DB, mod func(*ListenerConfig)) *Listener {
	t.Helper()
	cfg := ListenerConfig{
		Dial:     noDial,
		DB:       db,
		Contract: c.gas,
		Events:   []string{"Transfer"},
		Cursor:   "test/gas",
		Handle:   recordEvent,
	}
	if mod != nil {
		mod(&cfg)
	}
	l, err := NewListener(cfg)
	require.NoError(t, err)
	return l
}

func setupSeen(t *testing.T) (*testChain, *store.DB, util.Uint160) {
	t.Helper()
	c := newTestChain(t)
	db := openTestDB(t)
	_, err := db.SQL().ExecContext(context.Background(), seenTable)
	require.NoError(t, err)
	return c, db, util.Uint160{1, 2, 3}
}

func TestCatchUpHandsEachEventOnce(t *testing.T) {
	c, db, to := setupSeen(t)
	ctx := context.Background()
	first := c.transfers(t, to, 10, 11)
	second := c.transfers(t, to, 12)

	l := newTestListener(t, c, db, nil)
	require.NoError(t, l.catchUp(ctx, c.node))
	require.NoError(t, l.catchUp(ctx, c.node), "second pass with no new blocks")

	want := []seenRow{
		{TxHash: first, Index: 0, Amount: 10},
		{TxHash: first, Index: 1, Amount: 11},
		{TxHash: second, Index: 0, Amount: 12},
	}
	require.Equal(t, want, seenRows(t, db))
	require.Equal(t, c.node.bc.BlockHeight()+1, storedNext(t, db, "test/gas"))

	// A new Listener on the same database resumes from the stored cursor.
	third := c.transfers(t, to, 13)
	restarted := newTestListener(t, c, db, nil)
	require.NoError(t, restarted.catchUp(ctx, c.node))
	want = append(want, seenRow{TxHash: third, Index: 0, Amount: 13})
	require.Equal(t, want, seenRows(t, db))
}

func TestCatchUpRetriesBlockAfterHandlerError(t *testing.T) {
	c, db, to := setupSeen(t)
	ctx := context.Background()
	first := c.transfers(t, to, 1)
	failing := c.transfers(t, to, 2, 3)
	blockOfFailing := c.node.bc.BlockHeight()
	c.transfers(t, to, 4)

	boom := errors.New("boom")
	l := newTestListener(t, c, db, func(cfg *ListenerConfig) {
		cfg.Handle = func(ctx context.Context, tx *sql.Tx, ev Event) error {
			if err := recordEvent(ctx, tx, ev); err != nil {
				return err
			}
			if ev.TxHash == failing && ev.Index == 1 {
				return boom
			}
			return nil
		}
	})
	err := l.catchUp(ctx, c.node)
	require.ErrorIs(t, err, boom)

	// The failing block rolled back whole, including its first event.
	require.Equal(t, []seenRow{{TxHash: first, Index: 0, Amount: 1}}, seenRows(t, db))
	require.Equal(t, blockOfFailing, storedNext(t, db, "test/gas"))

	fixed := newTestListener(t, c, db, nil)
	require.NoError(t, fixed.catchUp(ctx, c.node))
	require.Len(t, seenRows(t, db), 4)
}

func TestCatchUpSkipsUnwantedEvents(t *testing.T) {
	c, db, to := setupSeen(t)
	c.transfers(t, to, 5)

	l := newTestListener(t, c, db, func(cfg *ListenerConfig) { cfg.Events = []string{"Other"} })
	require.NoError(t, l.catchUp(context.Background(), c.node))

	require.Empty(t, seenRows(t, db))
	require.Equal(t, c.node.bc.BlockHeight()+1, storedNext(t, db, "test/gas"))
}

func TestCatchUpStartsAtStartHeight(t *testing.T) {
	c, db, to := setupSeen(t)
	c.transfers(t, to, 1)
	start := c.node.bc.BlockHeight() + 1
	later := c.transfers(t, to, 2)

	l := newTestListener(t, c, db, func(cfg *ListenerConfig) { cfg.StartHeight = start })
	require.NoError(t, l.catchUp(context.Background(), c.node))

	require.Equal(t, []seenRow{{TxHash: later, Index: 0, Amount: 2}}, seenRows(t, db))
}

func TestCatchUpDetectsCursorMovedByOther(t *testing.T) {
	c, db, to := setupSeen(t)
	ctx := context.Background()
	c.transfers(t, to, 1)

	stale := newTestListener(t, c, db, nil)
	require.NoError(t, stale.loadCursor(ctx))
	active := newTestListener(t, c, db, nil)
	require.NoError(t, active.catchUp(ctx, c.node))
	require.Len(t, seenRows(t, db), 1)

	// The stale listener's commit is rejected before its handler runs.
	err := stale.catchUp(ctx, c.node)
	require.ErrorIs(t, err, errCursorMoved)
	require.Len(t, seenRows(t, db), 1)

	// After reloading the cursor it has nothing left to do.
	require.NoError(t, stale.catchUp(ctx, c.node))
	require.Len(t, seenRows(t, db), 1)
}

func TestListenerConfigValidate(t *testing.T) {
	db := openTestDB(t)
	valid := ListenerConfig{
		Dial:     noDial,
		DB:       db,
		Contract: util.Uint160{1},
		Cursor:   "c",
		Handle:   recordEvent,
	}
	tests := []struct {
		name string
		mod  func(*ListenerConfig)
		want string
	}{
		{name: "no dial", mod: func(c *ListenerConfig) { c.Dial = nil }, want: "dial is missing"},
		{name: "no db", mod: func(c *ListenerConfig) { c.DB = nil }, want: "db is missing"},
		{name: "no contract", mod: func(c *ListenerConfig) { c.Contract = util.Uint160{} }, want: "contract is missing"},
		{name: "no cursor", mod: func(c *ListenerConfig) { c.Cursor = "" }, want: "cursor is missing"},
		{name: "no handler", mod: func(c *ListenerConfig) { c.Handle = nil }, want: "handle is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.mod(&cfg)
			_, err := NewListener(cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}

	_, err := NewListener(valid)
	require.NoError(t, err)
}

func TestCatchUpStopsOnRewoundChain(t *testing.T) {
	tests := []struct {
		name    string
		tamper  string
		wantErr string
	}{
		{
			name:    "other block at the cursor",
			tamper:  "UPDATE chain_cursors SET last_hash = '" + util.Uint256{9}.StringLE() + "'",
			wantErr: "but the node has",
		},
		{
			name:    "node behind the cursor",
			tamper:  "UPDATE chain_cursors SET next_height = next_height + 50",
			wantErr: "but the node has only",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, db, to := setupSeen(t)
			ctx := context.Background()
			c.transfers(t, to, 10)
			require.NoError(t, newTestListener(t, c, db, nil).catchUp(ctx, c.node))

			// A fresh listener on the same store checks the stored cursor
			// against the node before it hands anything over.
			_, err := db.SQL().ExecContext(ctx, tc.tamper)
			require.NoError(t, err)
			err = newTestListener(t, c, db, nil).catchUp(ctx, c.node)
			require.ErrorIs(t, err, ErrChainRewound)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
