package vrf

import (
	"context"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate creates or updates the service's tables in db, with history in
// goose_vrf. Run it once at start-up, after chain.Migrate.
func Migrate(ctx context.Context, db *store.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open vrf migrations: %w", err)
	}
	return db.Migrate(ctx, "vrf", sub)
}

// Request states in vrf_requests. A request moves pending -> sent ->
// fulfilled, or to failed when the chain rejects the fulfilment for a
// reason a retry cannot fix.
const (
	statePending   = "pending"
	stateSent      = "sent"
	stateFulfilled = "fulfilled"
	stateFailed    = "failed"
)

// claim is a request this service has taken from the chain.
type claim struct {
	ID        int64
	Requester util.Uint160
	Payload   []byte
	BlockHash util.Uint256
}

const insertClaim = `INSERT INTO vrf_requests
	(id, requester, payload, block_index, block_hash, tx_hash, state, claimed_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
	ON CONFLICT (id) DO NOTHING`

const selectPending = `SELECT id, requester, payload, block_hash FROM vrf_requests
	WHERE state = $1 ORDER BY id LIMIT $2`

const updateState = `UPDATE vrf_requests SET state = $1, code = $2, fulfil_tx = $3, error = $4, updated_at = $5
	WHERE id = $6`

const updateSent = `UPDATE vrf_requests SET state = $1, code = $2, updated_at = $3
	WHERE id = $4 AND state = $5`

const updateOutcome = `UPDATE vrf_requests SET state = $1, fulfil_tx = $2, error = $3, updated_at = $4
	WHERE id = $5`

const selectClaim = `SELECT id, requester, payload, block_hash FROM vrf_requests WHERE id = $1`

const countStates = `SELECT state, COUNT(*) FROM vrf_requests GROUP BY state`

func saveClaim(ctx context.Context, tx *sql.Tx, c claim, blockIndex uint32, txHash util.Uint256, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertClaim,
		c.ID,
		c.Requester.StringLE(),
		hex.EncodeToString(c.Payload),
		int64(blockIndex),
		c.BlockHash.StringLE(),
		txHash.StringLE(),
		statePending,
		now.UTC(),
	)
	if err != nil {
		return fmt.Errorf("insert request %d: %w", c.ID, err)
	}
	return nil
}

func loadPending(ctx context.Context, db *store.DB, limit int) ([]claim, error) {
	rows, err := db.SQL().QueryContext(ctx, selectPending, statePending, limit)
	if err != nil {
		return nil, fmt.Errorf("select pending requests: %w", err)
	}
	defer rows.Close()

	var out []claim
	for rows.Next() {
		c, err := scanClaim(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pending requests: %w", err)
	}
	return out, nil
}

// setState records the outcome of a step for request id. fulfilTx and
// reason may be empty.
func setState(ctx context.Context, db *store.DB, id int64, state string, code result.Code, fulfilTx, reason string, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateState, state, int(code), nullable(fulfilTx), nullable(reason), now.UTC(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("set request %d %s: %w", id, state, err)
	}
	return nil
}

// markSent moves request id from pending to sent. It leaves a request
// alone that the sender's outcome hook has already settled.
func markSent(ctx context.Context, db *store.DB, id int64, code result.Code, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateSent, stateSent, int(code), now.UTC(), id, statePending)
		return err
	})
	if err != nil {
		return fmt.Errorf("set request %d sent: %w", id, err)
	}
	return nil
}

// setStateTx records the outcome of a fulfil transaction inside tx.
func setStateTx(ctx context.Context, tx *sql.Tx, id int64, state, fulfilTx, reason string, now time.Time) error {
	_, err := tx.ExecContext(ctx, updateOutcome, state, nullable(fulfilTx), nullable(reason), now.UTC(), id)
	if err != nil {
		return fmt.Errorf("set request %d %s: %w", id, state, err)
	}
	return nil
}

// loadClaim reads one claimed request.
func loadClaim(ctx context.Context, db *store.DB, id int64) (claim, error) {
	row := db.SQL().QueryRowContext(ctx, selectClaim, id)
	c, err := scanClaim(row.Scan)
	if err != nil {
		return claim{}, fmt.Errorf("load request %d: %w", id, store.NotFound(err))
	}
	return c, nil
}

// countByState returns the number of requests in each state.
func countByState(ctx context.Context, db *store.DB) (map[string]int, error) {
	rows, err := db.SQL().QueryContext(ctx, countStates)
	if err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	defer rows.Close()

	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("scan request count: %w", err)
		}
		out[state] = n
	}
	return out, rows.Err()
}

func nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

func scanClaim(scan func(dest ...any) error) (claim, error) {
	var c claim
	var requester, payload, blockHash string
	if err := scan(&c.ID, &requester, &payload, &blockHash); err != nil {
		return claim{}, err
	}

	var err error
	if c.Requester, err = util.Uint160DecodeStringLE(requester); err != nil {
		return claim{}, fmt.Errorf("request %d requester: %w", c.ID, err)
	}
	if c.Payload, err = hex.DecodeString(payload); err != nil {
		return claim{}, fmt.Errorf("request %d payload: %w", c.ID, err)
	}
	if c.BlockHash, err = util.Uint256DecodeStringLE(blockHash); err != nil {
		return claim{}, fmt.Errorf("request %d block hash: %w", c.ID, err)
	}
	return c, nil
}
