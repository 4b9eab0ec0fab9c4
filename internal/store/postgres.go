package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// writerLockClass is the first key of the two-key advisory lock that
// serialises write transactions on one schema. The second key is a hash of
// the schema name. PostgreSQL keeps two-key and single bigint-key advisory
// locks apart, so no TryLock key can take this lock.
const writerLockClass int32 = 0x534c5752

func (d *DB) openPostgres(ctx context.Context, cfg Config) error {
	pc, err := pgx.ParseConfig(cfg.DSN)
	if err != nil {
		return fmt.Errorf("open postgres: %w", err)
	}
	// Startup parameters apply to every connection the pool opens, so no
	// connection can run with another search_path or no lock timeout.
	pc.RuntimeParams["search_path"] = cfg.Schema
	pc.RuntimeParams["lock_timeout"] = strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10)

	sdb := stdlib.OpenDB(*pc)
	sdb.SetMaxOpenConns(cfg.MaxConns)
	sdb.SetMaxIdleConns(cfg.MaxConns)

	if err := createSchema(ctx, sdb, cfg.Schema); err != nil {
		_ = sdb.Close()
		return fmt.Errorf("open postgres schema %s: %w", cfg.Schema, err)
	}
	d.db = sdb
	d.schema = cfg.Schema
	d.pgConfig = pc
	return nil
}

// createSchema creates schema if missing and checks that connections now
// resolve unqualified names in it.
func createSchema(ctx context.Context, db *sql.DB, schema string) error {
	create := "CREATE SCHEMA IF NOT EXISTS " + pgx.Identifier{schema}.Sanitize()
	if _, err := db.ExecContext(ctx, create); err != nil && !errors.Is(MapError(err), ErrUniqueViolation) {
		// A concurrent CREATE SCHEMA IF NOT EXISTS can fail on the unique
		// index of pg_namespace. The schema then exists, which is the goal.
		return fmt.Errorf("create schema: %w", err)
	}

	var current sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&current); err != nil {
		return fmt.Errorf("read current schema: %w", err)
	}
	if current.String != schema {
		// current_schema() is NULL when the role lacks USAGE on the schema.
		return fmt.Errorf("schema is not usable by this role: current_schema() is %q", current.String)
	}
	return nil
}

// writerLockKey returns the second advisory lock key that serialises write
// transactions on schema.
func writerLockKey(schema string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(schema))
	return int32(h.Sum32())
}

// schemaLockKey returns the bigint advisory lock key that stands for key
// within schema, so services in other schemas of the same database can use
// the same key without contention.
func schemaLockKey(schema, purpose string, key int64) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(schema + "\x00" + purpose + "\x00" + strconv.FormatInt(key, 10)))
	return int64(h.Sum64())
}
