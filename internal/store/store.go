package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Driver names a database engine.
type Driver string

// Supported drivers.
const (
	// DriverSQLite is SQLite through modernc.org/sqlite: one file per
	// service, for dev and single-process deployments.
	DriverSQLite Driver = "sqlite"
	// DriverPostgres is PostgreSQL through pgx: one schema per service in a
	// shared database, for replicated deployments.
	DriverPostgres Driver = "postgres"
)

const (
	defaultBusyTimeout = 10 * time.Second
	defaultMaxConns    = 8
)

// schemaName limits PostgreSQL schema names to unquoted lower-case
// identifiers, so they need no quoting in search_path. PostgreSQL reserves
// the pg_ prefix.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Config selects and tunes the database.
type Config struct {
	// Driver is DriverSQLite (the default when empty) or DriverPostgres.
	Driver Driver
	// Path of the SQLite database file, created if missing. In dev each
	// service uses DataDir/<service>.db. In-memory databases are rejected
	// because every pooled connection would see a different one. SQLite
	// only.
	Path string
	// DSN is the PostgreSQL connection string, as a URL
	// (postgres://user:pass@host:port/db?sslmode=...) or key=value pairs.
	// PostgreSQL only. It contains a password, so it is never logged.
	DSN string
	// Schema is the PostgreSQL schema that holds this service's tables,
	// created if missing and set as search_path on every connection:
	// lower-case letters, digits and '_', not starting with a digit or
	// "pg_". PostgreSQL only.
	Schema string
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection or process before it fails (default 10s). On PostgreSQL it
	// sets lock_timeout.
	BusyTimeout time.Duration
	// MaxConns caps open connections (default 8). Readers use them
	// concurrently, while writers take turns.
	MaxConns int
	// Log receives a line per applied migration (default: discarded).
	Log *slog.Logger
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	db     *sql.DB
	driver Driver
	log    *slog.Logger
	// writer is a one-slot semaphore held for the whole of every write
	// transaction this process runs, so in-process writers queue in Go
	// instead of in the database.
	writer chan struct{}
	// schema and pgConfig are set on PostgreSQL only. TryLock opens its
	// dedicated connections from pgConfig.
	schema   string
	pgConfig *pgx.ConnConfig
}

// Open opens the database cfg selects, creating the SQLite file or the
// PostgreSQL schema if missing, and pings it.
//
// SQLite runs with WAL journaling, full fsync on commit, foreign keys on and
// immediate write transactions. PostgreSQL connections use cfg.Schema as
// their only search_path entry.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	d := &DB{driver: cfg.Driver, log: cfg.Log, writer: make(chan struct{}, 1)}
	var err error
	if cfg.Driver == DriverPostgres {
		err = d.openPostgres(ctx, cfg)
	} else {
		err = d.openSQLite(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (c Config) withDefaults() Config {
	c.Path = strings.TrimSpace(c.Path)
	if c.Driver == "" {
		c.Driver = DriverSQLite
	}
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
	var err error
	switch c.Driver {
	case DriverSQLite, "":
		err = c.validateSQLite()
	case DriverPostgres:
		err = c.validatePostgres()
	default:
		err = fmt.Errorf("driver %q is unknown, want %q or %q", c.Driver, DriverSQLite, DriverPostgres)
	}
	switch {
	case err != nil:
	case c.BusyTimeout < time.Millisecond:
		err = fmt.Errorf("busy timeout %s is below 1ms", c.BusyTimeout)
	case c.MaxConns < 1:
		err = fmt.Errorf("max conns %d is below 1", c.MaxConns)
	}
	if err != nil {
		return fmt.Errorf("invalid store config: %w", err)
	}
	return nil
}

func (c Config) validateSQLite() error {
	switch {
	case c.Path == "":
		return errors.New("path is missing")
	case c.Path == ":memory:" || strings.Contains(c.Path, "mode=memory"):
		return fmt.Errorf("path %q is in memory, use a file", c.Path)
	case strings.ContainsAny(c.Path, "?#"):
		return fmt.Errorf("path %q contains '?' or '#'", c.Path)
	case c.DSN != "" || c.Schema != "":
		return errors.New("dsn and schema are for the postgres driver, sqlite takes a path")
	}
	return nil
}

func (c Config) validatePostgres() error {
	switch {
	case c.DSN == "":
		return errors.New("dsn is missing")
	case c.Schema == "":
		return errors.New("schema is missing")
	case !schemaName.MatchString(c.Schema) || strings.HasPrefix(c.Schema, "pg_"):
		return fmt.Errorf("schema %q is invalid, want lower-case letters, digits and '_', "+
			"not starting with a digit or pg_", c.Schema)
	case c.Path != "":
		return errors.New("path is for the sqlite driver, postgres takes a dsn and a schema")
	}
	return nil
}

// Driver returns the engine behind d, for the rare statement that must be
// written differently for each.
func (d *DB) Driver() Driver {
	return d.driver
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
