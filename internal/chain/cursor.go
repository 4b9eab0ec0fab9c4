package chain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

const (
	cursorInsert = `INSERT INTO chain_cursors (name, next_height, updated_at)
VALUES ($1, $2, $3)
ON CONFLICT (name) DO NOTHING`

	cursorSelect = `SELECT next_height, COALESCE(last_hash, '') FROM chain_cursors WHERE name = $1`

	// cursorAdvance moves the cursor only from the height this listener
	// last saw, so a second listener on the same cursor cannot make the
	// first one hand an event over twice.
	cursorAdvance = `UPDATE chain_cursors
SET next_height = $1, last_hash = $2, updated_at = $3
WHERE name = $4 AND next_height = $5`
)

// errCursorMoved reports that the stored cursor is not where this listener
// left it, because another listener with the same cursor name advanced it.
var errCursorMoved = errors.New("cursor moved by another listener")

// loadCursor returns the next block height recorded under name and the
// hash of the block before it ("" when none was processed), creating the
// cursor at start if it does not exist yet.
func loadCursor(ctx context.Context, db *store.DB, name string, start uint32, now time.Time) (uint32, string, error) {
	var next int64
	var last string
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, cursorInsert, name, int64(start), now.UnixMilli()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, cursorSelect, name).Scan(&next, &last)
	})
	if err != nil {
		return 0, "", fmt.Errorf("load cursor %q: %w", name, err)
	}
	return uint32(next), last, nil
}

// advanceCursor moves cursor name from next height from to next height to,
// inside tx. It returns errCursorMoved if the stored value is not from.
func advanceCursor(
	ctx context.Context,
	tx *sql.Tx,
	name string,
	from, to uint32,
	last util.Uint256,
	now time.Time,
) error {
	res, err := tx.ExecContext(ctx, cursorAdvance,
		int64(to), last.StringLE(), now.UnixMilli(), name, int64(from))
	if err != nil {
		return fmt.Errorf("advance cursor %q to %d: %w", name, to, err)
	}

	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("advance cursor %q to %d: %w", name, to, err)
	}
	if n != 1 {
		return fmt.Errorf("advance cursor %q from %d: %w", name, from, errCursorMoved)
	}
	return nil
}
