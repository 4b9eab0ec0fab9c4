package store

import (
	"context"
	"database/sql"
	"fmt"
)

// InTx runs fn in one read-write transaction and commits it if fn returns
// nil. It rolls back if fn returns an error or panics (the panic then goes
// on). Errors from fn and from commit pass through MapError.
//
// Write transactions on one SQLite file or PostgreSQL schema run one at a
// time, as SQLite runs them, so fn can read and then write without another
// writer slipping in between, and fn runs once, never retried:
//
//   - In this process, InTx waits for its turn in Go, or returns ctx's
//     error if ctx ends first.
//   - On SQLite, writers in other processes wait through the busy timeout.
//   - On PostgreSQL, the transaction first takes an advisory lock for the
//     schema (pg_advisory_xact_lock), which writers in other processes
//     wait for up to the busy timeout. It runs at READ COMMITTED, so every
//     statement after the lock reads the rows earlier writers committed.
//
// fn must not call InTx or Migrate itself, because that waits forever for
// the turn its caller holds.
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

	// At REPEATABLE READ or SERIALIZABLE the snapshot would date from
	// this statement's start, before the lock was granted, and miss the
	// commit of the writer it waited for.
	if d.driver == DriverPostgres {
		key := writerLockKey(d.schema)
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", writerLockClass, key); err != nil {
			return fmt.Errorf("wait for schema write lock: %w", err)
		}
	}

	if err := fn(tx); err != nil {
		return MapError(err)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", MapError(err))
	}
	return nil
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
