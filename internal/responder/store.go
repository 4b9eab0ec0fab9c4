package responder

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate creates or updates the responder's table in db, with history in
// goose_responder. Run it once at start-up, next to chain.Migrate.
func Migrate(ctx context.Context, db *store.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open responder migrations: %w", err)
	}
	return db.Migrate(ctx, "responder", sub)
}

// Request states in responder_requests. A request moves pending ->
// answered -> sent -> fulfilled. A request that cannot be fulfilled
// (faulted) is expired once its expiry height has passed: expiring while
// the expire transaction is out, notify until the consumer is sent code
// Expired, then expired. Fulfilled, expired and failed are final, and the
// error column says why.
const (
	statePending   = "pending"
	stateAnswered  = "answered"
	stateSent      = "sent"
	stateFulfilled = "fulfilled"
	stateFaulted   = "faulted"
	stateExpiring  = "expiring"
	stateNotify    = "notify"
	stateExpired   = "expired"
	stateFailed    = "failed"
)

// stored is a request with its answer, once it has one.
type stored struct {
	Request
	Code      result.Code
	Result    []byte
	Signature []byte
	// Attempts counts failed tries since the request last changed state.
	Attempts int
}

const insertClaim = `INSERT INTO responder_requests
	(id, service, requester, payload, block_index, block_hash, tx_hash, state, claimed_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
	ON CONFLICT (id) DO NOTHING`

const selectColumns = `SELECT id, service, requester, payload, block_index, block_hash, tx_hash,
	COALESCE(code, 0), result, signature, attempts FROM responder_requests`

// selectDue takes the requests in a state whose retry time has come, the
// longest waiting first, so requests that keep failing cannot starve the
// others.
const selectDue = selectColumns + ` WHERE state = $1 AND (retry_at IS NULL OR retry_at <= $2)
	ORDER BY COALESCE(retry_at, claimed_at), id LIMIT $3`

const updateRetry = `UPDATE responder_requests SET attempts = $1, retry_at = $2, error = $3, updated_at = $4
	WHERE id = $5`

const updateState = `UPDATE responder_requests SET state = $1, attempts = 0, retry_at = NULL, updated_at = $2
	WHERE id = $3 AND state = $4`

const selectByID = selectColumns + ` WHERE id = $1`

const updateAnswer = `UPDATE responder_requests SET state = $1, code = $2, result = $3, signature = $4,
	updated_at = $5 WHERE id = $6 AND state = $7`

const updateOutcome = `UPDATE responder_requests SET state = $1, fulfil_tx = $2, error = $3, updated_at = $4
	WHERE id = $5`

func saveClaim(ctx context.Context, tx *sql.Tx, req Request, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertClaim,
		req.ID,
		req.Service,
		req.Requester.StringLE(),
		req.Payload,
		int64(req.BlockIndex),
		req.BlockHash.StringLE(),
		req.TxHash.StringLE(),
		statePending,
		now.UTC(),
	)
	if err != nil {
		return fmt.Errorf("insert request %d: %w", req.ID, err)
	}
	return nil
}

func loadDue(ctx context.Context, db *store.DB, state string, now time.Time, limit int) ([]stored, error) {
	rows, err := db.SQL().QueryContext(ctx, selectDue, state, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("select %s requests: %w", state, err)
	}
	defer rows.Close()

	var out []stored
	for rows.Next() {
		s, err := scanStored(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s requests: %w", state, err)
	}
	return out, nil
}

func loadStored(ctx context.Context, db *store.DB, id int64) (stored, error) {
	s, err := scanStored(db.SQL().QueryRowContext(ctx, selectByID, id).Scan)
	if err != nil {
		return stored{}, fmt.Errorf("load request %d: %w", id, store.NotFound(err))
	}
	return s, nil
}

func scanStored(scan func(dest ...any) error) (stored, error) {
	var (
		s                            stored
		requester, blockHash, txHash string
		blockIndex                   int64
		code                         int
	)
	err := scan(&s.ID, &s.Service, &requester, &s.Payload, &blockIndex, &blockHash, &txHash,
		&code, &s.Result, &s.Signature, &s.Attempts)
	if err != nil {
		return stored{}, err
	}
	s.BlockIndex = uint32(blockIndex)
	s.Code = result.Code(code)

	if s.Requester, err = util.Uint160DecodeStringLE(requester); err != nil {
		return stored{}, fmt.Errorf("request %d requester: %w", s.ID, err)
	}
	if s.BlockHash, err = util.Uint256DecodeStringLE(blockHash); err != nil {
		return stored{}, fmt.Errorf("request %d block hash: %w", s.ID, err)
	}
	if s.TxHash, err = util.Uint256DecodeStringLE(txHash); err != nil {
		return stored{}, fmt.Errorf("request %d tx hash: %w", s.ID, err)
	}
	return s, nil
}

// saveAnswer stores the signed answer of a pending request. Once stored,
// every fulfil attempt sends these bytes.
func saveAnswer(ctx context.Context, db *store.DB, id int64, code result.Code, res, sig []byte, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateAnswer, stateAnswered, int(code), res, sig, now.UTC(), id, statePending)
		return err
	})
	if err != nil {
		return fmt.Errorf("save answer to request %d: %w", id, err)
	}
	return nil
}

// replaceAnswer swaps the stored answer of an answered request, one never
// included on chain, for another.
func replaceAnswer(ctx context.Context, db *store.DB, id int64, code result.Code, res, sig []byte, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateAnswer, stateAnswered, int(code), res, sig, now.UTC(), id, stateAnswered)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace answer to request %d: %w", id, err)
	}
	return nil
}

// markSent moves request id from answered to sent. It leaves a request
// alone that the sender's outcome hook has already settled.
func markSent(ctx context.Context, db *store.DB, id int64, now time.Time) error {
	return moveState(ctx, db, id, stateAnswered, stateSent, now)
}

// moveState moves request id from state from to state to and clears its
// retry count; a request in another state is left alone.
func moveState(ctx context.Context, db *store.DB, id int64, from, to string, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateState, to, now.UTC(), id, from)
		return err
	})
	if err != nil {
		return fmt.Errorf("set request %d %s: %w", id, to, err)
	}
	return nil
}

// deferRetry records a failed try of request id and when to try again.
func deferRetry(ctx context.Context, db *store.DB, id int64, attempts int, at time.Time, reason string, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateRetry, attempts, at.UTC(), nullable(reason), now.UTC(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("defer request %d: %w", id, err)
	}
	return nil
}

// setOutcome records the final state of request id inside tx. fulfilTx and
// reason may be empty.
func setOutcome(ctx context.Context, tx *sql.Tx, id int64, state, fulfilTx, reason string, now time.Time) error {
	_, err := tx.ExecContext(ctx, updateOutcome, state, nullable(fulfilTx), nullable(reason), now.UTC(), id)
	if err != nil {
		return fmt.Errorf("set request %d %s: %w", id, state, err)
	}
	return nil
}

// settle records the final state of request id in its own transaction.
func settle(ctx context.Context, db *store.DB, id int64, state, reason string, now time.Time) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		return setOutcome(ctx, tx, id, state, "", reason, now)
	})
}

func nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
