package storetest

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// DSNVariable names the environment variable that holds the PostgreSQL
// connection string for tests.
const DSNVariable = "SL_TEST_POSTGRES_DSN"

// dropTimeout bounds the schema drop at the end of a test.
const dropTimeout = 30 * time.Second

// Open opens a new empty database on driver and closes it when t ends.
// On PostgreSQL it skips t if SL_TEST_POSTGRES_DSN is unset.
func Open(t testing.TB, driver store.Driver) *store.DB {
	t.Helper()
	return OpenConfig(t, Config(t, driver))
}

// OpenConfig opens cfg and closes the handle when t ends. Calling it twice
// with one Config gives two handles on one database, as two processes
// would have.
func OpenConfig(t testing.TB, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// Config returns the configuration of a new empty database on driver: a
// file in t's temporary directory for SQLite, a new schema for PostgreSQL.
// The PostgreSQL schema is dropped with everything in it when t ends. On
// PostgreSQL it skips t if SL_TEST_POSTGRES_DSN is unset.
func Config(t testing.TB, driver store.Driver) store.Config {
	t.Helper()
	if driver != store.DriverPostgres {
		return store.Config{Driver: driver, Path: filepath.Join(t.TempDir(), "test.db")}
	}

	dsn := DSN(t)
	schema := "test_" + strings.ToLower(rand.Text()[:16])
	t.Cleanup(func() { dropSchema(t, dsn, schema) })
	return store.Config{Driver: store.DriverPostgres, DSN: dsn, Schema: schema}
}

// DSN returns SL_TEST_POSTGRES_DSN, or skips t when it is unset.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNVariable)
	if dsn == "" {
		t.Skipf("PostgreSQL case skipped because %s is unset. "+
			"Run eval \"$(./scripts/postgres)\" first, or ./scripts/test.", DSNVariable)
	}
	return dsn
}

// dropSchema drops schema and its objects over a connection of its own,
// so it works after the test closed its handles.
func dropSchema(t testing.TB, dsn, schema string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()

	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	require.NoError(t, err, "drop schema %s", schema)
}

// ForEachDriver runs test as one subtest per driver of Drivers, named
// after the driver.
func ForEachDriver(t *testing.T, test func(t *testing.T, driver store.Driver)) {
	t.Helper()
	for _, driver := range Drivers() {
		t.Run(string(driver), func(t *testing.T) { test(t, driver) })
	}
}
