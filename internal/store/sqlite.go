package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"

	// Registers the "sqlite" database/sql driver.
	_ "modernc.org/sqlite"
)

func (d *DB) openSQLite(ctx context.Context, cfg Config) error {
	// The database holds service secrets' metadata and claims, so a new
	// file is private to the owner; SQLite itself would create it 0644.
	f, err := os.OpenFile(cfg.Path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	_ = f.Close()

	sdb, err := sql.Open("sqlite", sqliteDSN(cfg))
	if err != nil {
		return fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	sdb.SetMaxOpenConns(cfg.MaxConns)
	sdb.SetMaxIdleConns(cfg.MaxConns)

	if err := sdb.PingContext(ctx); err != nil {
		_ = sdb.Close()
		return fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	d.db = sdb
	return nil
}

// sqliteDSN builds the modernc.org/sqlite data source name. The driver
// applies the settings to every new connection, so all pooled connections
// agree on them.
func sqliteDSN(cfg Config) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	// BEGIN IMMEDIATE takes the write lock at the start of a read-write
	// transaction. A deferred transaction that reads and then writes can
	// fail with SQLITE_BUSY at once, without waiting, if another writer
	// committed after its read snapshot.
	q.Set("_txlock", "immediate")
	return cfg.Path + "?" + q.Encode()
}
