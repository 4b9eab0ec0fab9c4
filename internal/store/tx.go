package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotFound reports that a queried row does not exist. InTx and NotFound
// turn sql.ErrNoRows into it, so callers test errors.Is(err, ErrNotFound)
// and never need a driver or database/sql sentinel.
var ErrNotFound = errors.New("not found")

// InTx runs fn in one read-write transaction and commits it if fn returns
// nil. It rolls back if fn returns an error or panics (the panic then goes
// on). Write transactions of this process run one at a time: InTx waits
// for its turn, or returns ctx's error if ctx ends first. fn must not call
// InTx or Migrate itself, because that waits forever for the turn its
// caller holds.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := d.acquireWriter(ctx); err != nil {
		return err
	}
	defer d.releaseWriter()

	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	if err := fn(tx); err != nil {
		return NotFound(err)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// NotFound returns err with ErrNotFound added to its chain when err wraps
// sql.ErrNoRows, and err unchanged otherwise. Use it on reads done outside
// InTx, for example on (*sql.Row).Scan from SQL().
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func (d *DB) acquireWriter(ctx context.Context) error {
	select {
	case d.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for write turn: %w", ctx.Err())
	}
}

func (d *DB) releaseWriter() {
	<-d.writer
}
