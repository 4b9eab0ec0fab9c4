package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	// Registers the "sqlite" database/sql driver.
	_ "modernc.org/sqlite"
)

const (
	defaultBusyTimeout = 10 * time.Second
	defaultMaxConns    = 8
)

// Config selects and tunes the database.
type Config struct {
	// Path of the SQLite database file, created if missing. In dev each
	// service uses DataDir/<service>.db. In-memory databases are rejected
	// because every pooled connection would see a different one.
	Path string
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process before it fails (default 10s).
	BusyTimeout time.Duration
	// MaxConns caps open connections (default 8). In WAL mode readers use
	// them concurrently, while writers take turns.
	MaxConns int
	// Log receives a line per applied migration (default: discarded).
	Log *slog.Logger
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	db  *sql.DB
	log *slog.Logger
	// writer is a one-slot semaphore held for the whole of every write
	// transaction this process runs, so in-process writers queue in Go
	// instead of polling SQLite's busy handler.
	writer chan struct{}
}

// Open opens (and creates if needed) the SQLite database at cfg.Path with
// WAL journaling, full fsync on commit, foreign keys on and immediate write
// transactions, then pings it.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	sdb, err := sql.Open("sqlite", sqliteDSN(cfg))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	sdb.SetMaxOpenConns(cfg.MaxConns)
	sdb.SetMaxIdleConns(cfg.MaxConns)

	if err := sdb.PingContext(ctx); err != nil {
		_ = sdb.Close()
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	return &DB{db: sdb, log: cfg.Log, writer: make(chan struct{}, 1)}, nil
}

func (c Config) withDefaults() Config {
	c.Path = strings.TrimSpace(c.Path)
	if c.BusyTimeout == 0 {
		c.BusyTimeout = defaultBusyTimeout
	}
	if c.MaxConns == 0 {
		c.MaxConns = defaultMaxConns
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Validate checks the whole configuration.
func (c Config) Validate() error {
	switch {
	case c.Path == "":
		return errors.New("invalid store config: path is missing")
	case c.Path == ":memory:" || strings.Contains(c.Path, "mode=memory"):
		return fmt.Errorf("invalid store config: path %q is in memory, use a file", c.Path)
	case strings.ContainsAny(c.Path, "?#"):
		return fmt.Errorf("invalid store config: path %q contains '?' or '#'", c.Path)
	case c.BusyTimeout < time.Millisecond:
		return fmt.Errorf("invalid store config: busy timeout %s is below 1ms", c.BusyTimeout)
	case c.MaxConns < 1:
		return fmt.Errorf("invalid store config: max conns %d is below 1", c.MaxConns)
	}
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

// SQL returns the underlying pool for reads outside a transaction. Writes
// belong in InTx.
func (d *DB) SQL() *sql.DB {
	return d.db
}

// Close closes the pool after the running queries finish.
func (d *DB) Close() error {
	return d.db.Close()
}
