package chain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

const (
	attemptColumns = `send_key, attempt, tx_hash, valid_until, state,
vm_state, exception, block_index, gas_consumed`

	selectLatestAttempt = `SELECT ` + attemptColumns + `
FROM chain_txs WHERE send_key = $1
ORDER BY attempt DESC LIMIT 1`

	insertAttemptSQL = `INSERT INTO chain_txs
(send_key, attempt, tx_hash, valid_until, raw, state, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`

	selectSentAttempts = `SELECT ` + attemptColumns + `, raw
FROM chain_txs WHERE state = 'sent'
ORDER BY created_at`

	// Only the latest attempt of a key may be rebuilt: older expired
	// attempts were already replaced.
	selectExpiredLatest = `SELECT ` + attemptColumns + `
FROM chain_txs t
WHERE t.state = 'expired'
  AND t.attempt = (SELECT MAX(u.attempt) FROM chain_txs u WHERE u.send_key = t.send_key)
ORDER BY t.created_at`

	updateIncluded = `UPDATE chain_txs
SET state = 'included', vm_state = $1, exception = $2, block_index = $3,
    gas_consumed = $4, updated_at = $5
WHERE send_key = $6 AND attempt = $7 AND state = 'sent'`

	updateState = `UPDATE chain_txs SET state = $1, updated_at = $2
WHERE send_key = $3 AND attempt = $4 AND state = $5`
)

// rowQuerier is implemented by *sql.DB and *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// pendingAttempt is a sent attempt with its raw bytes for relaying.
type pendingAttempt struct {
	Result
	raw []byte
}

func selectLatest(ctx context.Context, q rowQuerier, key string) (Result, error) {
	r, err := scanAttempt(q.QueryRowContext(ctx, selectLatestAttempt, key).Scan)
	return r, store.NotFound(err)
}

// insertAttempt records tx as attempt after+1 of key, unless the latest
// attempt is no longer after or is still live. It returns the latest
// attempt and whether it is the one just inserted.
func insertAttempt(
	ctx context.Context,
	db *store.DB,
	key string,
	after int,
	tx *transaction.Transaction,
	now time.Time,
) (Result, bool, error) {
	var latest Result
	var inserted bool
	err := db.InTx(ctx, func(sqlTx *sql.Tx) error {
		cur, err := selectLatest(ctx, sqlTx, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if cur.Attempt != after || cur.State == StateSent || cur.State == StateIncluded {
			latest = cur
			return nil
		}

		latest = Result{
			Key:        key,
			Attempt:    after + 1,
			TxHash:     tx.Hash(),
			ValidUntil: tx.ValidUntilBlock,
			State:      StateSent,
		}
		_, err = sqlTx.ExecContext(ctx, insertAttemptSQL, key, latest.Attempt, latest.TxHash.StringLE(),
			int64(tx.ValidUntilBlock), tx.Bytes(), string(StateSent), now.UnixMilli())
		inserted = err == nil
		return err
	})
	if err != nil {
		return Result{}, false, fmt.Errorf("record attempt %d of %q: %w", after+1, key, err)
	}
	return latest, inserted, nil
}

func listSent(ctx context.Context, db *store.DB) ([]pendingAttempt, error) {
	rows, err := db.SQL().QueryContext(ctx, selectSentAttempts)
	if err != nil {
		return nil, fmt.Errorf("list sent transactions: %w", err)
	}
	defer rows.Close()

	var out []pendingAttempt
	for rows.Next() {
		var p pendingAttempt
		p.Result, err = scanAttempt(func(dest ...any) error {
			return rows.Scan(append(dest, &p.raw)...)
		})
		if err != nil {
			return nil, fmt.Errorf("list sent transactions: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sent transactions: %w", err)
	}
	return out, nil
}

func listExpiredLatest(ctx context.Context, db *store.DB) ([]Result, error) {
	rows, err := db.SQL().QueryContext(ctx, selectExpiredLatest)
	if err != nil {
		return nil, fmt.Errorf("list expired transactions: %w", err)
	}
	defer rows.Close()

	var out []Result
	for rows.Next() {
		r, err := scanAttempt(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list expired transactions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list expired transactions: %w", err)
	}
	return out, nil
}

// scanAttempt reads the attemptColumns through scan.
func scanAttempt(scan func(dest ...any) error) (Result, error) {
	var (
		r          Result
		hash       string
		validUntil int64
		state      string
		vmState    string
		blockIndex sql.NullInt64
		gas        sql.NullInt64
	)
	err := scan(&r.Key, &r.Attempt, &hash, &validUntil, &state, &vmState, &r.Exception, &blockIndex, &gas)
	if err != nil {
		return Result{}, err
	}

	r.TxHash, err = util.Uint256DecodeStringLE(hash)
	if err != nil {
		return Result{}, fmt.Errorf("decode tx hash of %q: %w", r.Key, err)
	}
	if vmState != "" {
		r.VMState, err = vmstate.FromString(vmState)
		if err != nil {
			return Result{}, fmt.Errorf("decode vm state of %q: %w", r.Key, err)
		}
	}
	r.ValidUntil = uint32(validUntil)
	r.State = TxState(state)
	r.BlockIndex = uint32(blockIndex.Int64)
	r.GasConsumed = gas.Int64
	return r, nil
}

// setIncluded records r's inclusion if its attempt is still sent and then
// calls onDone in the same transaction. It reports whether it did.
func setIncluded(ctx context.Context, db *store.DB, r Result, onDone DoneFunc, now time.Time) (bool, error) {
	var done bool
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateIncluded, r.VMState.String(), r.Exception,
			int64(r.BlockIndex), r.GasConsumed, now.UnixMilli(), r.Key, r.Attempt)
		if err != nil {
			return err
		}
		if done, err = oneRow(res); err != nil || !done {
			return err
		}
		return callDone(ctx, tx, onDone, r)
	})
	if err != nil {
		return false, fmt.Errorf("record inclusion of %q attempt %d: %w", r.Key, r.Attempt, err)
	}
	return done, nil
}

// setState moves r's attempt from state from to state to. When to is final
// it calls onDone in the same transaction. It reports whether the attempt
// was still in state from.
func setState(
	ctx context.Context,
	db *store.DB,
	r Result,
	from, to TxState,
	onDone DoneFunc,
	now time.Time,
) (bool, error) {
	var done bool
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateState, string(to), now.UnixMilli(), r.Key, r.Attempt, string(from))
		if err != nil {
			return err
		}
		if done, err = oneRow(res); err != nil || !done || to != StateAbandoned {
			return err
		}
		r.State = to
		return callDone(ctx, tx, onDone, r)
	})
	if err != nil {
		return false, fmt.Errorf("mark %q attempt %d %s: %w", r.Key, r.Attempt, to, err)
	}
	return done, nil
}

func callDone(ctx context.Context, tx *sql.Tx, onDone DoneFunc, r Result) error {
	if onDone == nil {
		return nil
	}
	if err := onDone(ctx, tx, r); err != nil {
		return fmt.Errorf("on done: %w", err)
	}
	return nil
}

func oneRow(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	return n == 1, err
}
