package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/internal/store/storetest"
)

func TestOpenRejectsInvalidConfig(t *testing.T) {
	pg := func(schema string) store.Config {
		return store.Config{Driver: store.DriverPostgres, DSN: "postgres://u@127.0.0.1:1/db", Schema: schema}
	}
	pgWith := func(mod func(*store.Config)) store.Config {
		cfg := pg("s")
		mod(&cfg)
		return cfg
	}
	tests := []struct {
		name string
		cfg  store.Config
		want string
	}{
		{name: "empty path", cfg: store.Config{}, want: "path is missing"},
		{name: "memory", cfg: store.Config{Path: ":memory:"}, want: "in memory"},
		{name: "memory uri", cfg: store.Config{Path: "file:x?mode=memory"}, want: "in memory"},
		{name: "query in path", cfg: store.Config{Path: "a.db?x=1"}, want: "contains '?'"},
		{name: "negative conns", cfg: store.Config{Path: "a.db", MaxConns: -1}, want: "max conns"},
		{name: "tiny busy timeout", cfg: store.Config{Path: "a.db", BusyTimeout: time.Microsecond}, want: "busy timeout"},
		{name: "unknown driver", cfg: store.Config{Driver: "mysql", Path: "a.db"}, want: `driver "mysql" is unknown`},
		{name: "sqlite with dsn", cfg: store.Config{Path: "a.db", DSN: "postgres://h/db"}, want: "sqlite takes a path"},
		{name: "postgres without dsn", cfg: pgWith(func(c *store.Config) { c.DSN = "" }), want: "dsn is missing"},
		{name: "postgres without schema", cfg: pg(""), want: "schema is missing"},
		{name: "postgres with path", cfg: pgWith(func(c *store.Config) { c.Path = "a.db" }), want: "postgres takes a dsn"},
		{name: "postgres tiny busy timeout", cfg: pgWith(func(c *store.Config) { c.BusyTimeout = 1 }), want: "busy timeout"},
		{name: "upper case schema", cfg: pg("Vrf"), want: `schema "Vrf" is invalid`},
		{name: "schema with digit first", cfg: pg("1vrf"), want: "is invalid"},
		{name: "schema with quote", cfg: pg(`a"b`), want: "is invalid"},
		{name: "reserved schema", cfg: pg("pg_vrf"), want: "is invalid"},
		{name: "unparsable dsn", cfg: pgWith(func(c *store.Config) { c.DSN = "postgres://%zz" }), want: "open postgres"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.Open(context.Background(), tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestOpenAppliesPragmas(t *testing.T) {
	db := storetest.Open(t, store.DriverSQLite)
	ctx := context.Background()

	var mode string
	require.NoError(t, db.SQL().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	require.Equal(t, "wal", mode)

	var fk int
	require.NoError(t, db.SQL().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
	require.Equal(t, 1, fk)

	var busy int
	require.NoError(t, db.SQL().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
	require.Equal(t, 10000, busy)

	var sync int
	require.NoError(t, db.SQL().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
	require.Equal(t, 2, sync, "synchronous got %d, want 2 (FULL)", sync)
}

func TestOpenReopensExisting(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		cfg := storetest.Config(t, driver)
		ctx := context.Background()

		first, err := store.Open(ctx, cfg)
		require.NoError(t, err)
		_, err = first.SQL().ExecContext(ctx, "CREATE TABLE kept (v BIGINT)")
		require.NoError(t, err)
		_, err = first.SQL().ExecContext(ctx, "INSERT INTO kept (v) VALUES ($1)", 7)
		require.NoError(t, err)
		require.NoError(t, first.Close())

		second := storetest.OpenConfig(t, cfg)
		require.Equal(t, driver, second.Driver())
		var v int64
		require.NoError(t, second.SQL().QueryRowContext(ctx, "SELECT v FROM kept").Scan(&v))
		require.Equal(t, int64(7), v)
	})
}

func TestTryLockUnsupportedOnSQLite(t *testing.T) {
	db := storetest.Open(t, store.DriverSQLite)

	release, ok, err := db.TryLock(context.Background(), 1)
	require.ErrorIs(t, err, errors.ErrUnsupported)
	require.False(t, ok)
	require.Nil(t, release)
}
