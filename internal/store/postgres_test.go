//go:build integration

package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/internal/store/storetest"
)

func TestOpenPostgresSetsSchema(t *testing.T) {
	cfg := storetest.Config(t, store.DriverPostgres)
	cfg.BusyTimeout = 1500 * time.Millisecond
	db := storetest.OpenConfig(t, cfg)
	ctx := context.Background()

	var exists bool
	err := db.SQL().QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", cfg.Schema).Scan(&exists)
	require.NoError(t, err)
	require.True(t, exists, "schema %s was not created", cfg.Schema)

	// Every pooled connection, not only the first, carries the settings.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		conns[i], err = db.SQL().Conn(ctx)
		require.NoError(t, err)
		defer func() { require.NoError(t, conns[i].Close()) }()

		var path, timeout string
		require.NoError(t, conns[i].QueryRowContext(ctx, "SHOW search_path").Scan(&path))
		require.NoError(t, conns[i].QueryRowContext(ctx, "SHOW lock_timeout").Scan(&timeout))
		require.Equal(t, cfg.Schema, path, "search_path of connection %d", i)
		require.Equal(t, "1500ms", timeout, "lock_timeout of connection %d", i)
	}
}

func TestOpenPostgresSameNewSchemaConcurrently(t *testing.T) {
	cfg := storetest.Config(t, store.DriverPostgres)

	// Each Open runs CREATE SCHEMA IF NOT EXISTS; racing ones can collide
	// on pg_namespace's unique index, which Open must absorb.
	var g errgroup.Group
	dbs := make([]*store.DB, 6)
	for i := range dbs {
		g.Go(func() error {
			var err error
			dbs[i], err = store.Open(context.Background(), cfg)
			return err
		})
	}
	err := g.Wait()
	for _, db := range dbs {
		if db != nil {
			require.NoError(t, db.Close())
		}
	}
	require.NoError(t, err)
}

func TestSchemasKeepServicesApart(t *testing.T) {
	ctx := context.Background()
	alpha := storetest.Open(t, store.DriverPostgres)
	beta := storetest.Open(t, store.DriverPostgres)
	items := fstest.MapFS{"001_items.sql": {Data: []byte(migrationItems)}}
	tags := fstest.MapFS{
		"001_items.sql": {Data: []byte(migrationItems)},
		"002_tags.sql":  {Data: []byte(migrationTags)},
	}

	// The same component and table names in two schemas of one database.
	require.NoError(t, alpha.Migrate(ctx, "inventory", tags))
	require.NoError(t, beta.Migrate(ctx, "inventory", items))
	require.Equal(t, []int64{0, 1, 2}, versions(t, alpha, "goose_inventory"))
	require.Equal(t, []int64{0, 1}, versions(t, beta, "goose_inventory"))

	_, err := alpha.SQL().ExecContext(ctx, "INSERT INTO items (id, name) VALUES ($1, $2)", 1, "in alpha")
	require.NoError(t, err)
	var n int
	require.NoError(t, beta.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM items").Scan(&n))
	require.Zero(t, n, "beta sees a row inserted in alpha")

	_, err = beta.SQL().ExecContext(ctx, "SELECT * FROM tags")
	require.ErrorContains(t, err, `relation "tags" does not exist`)
}

func TestSchemaWriteLocksIndependent(t *testing.T) {
	alpha := storetest.Open(t, store.DriverPostgres)
	cfg := storetest.Config(t, store.DriverPostgres)
	cfg.BusyTimeout = 100 * time.Millisecond
	beta := storetest.OpenConfig(t, cfg)
	ctx := context.Background()

	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- alpha.InTx(ctx, func(*sql.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	// beta would time out after 100ms if it waited for alpha's lock.
	err := beta.InTx(ctx, func(*sql.Tx) error { return nil })
	close(release)
	require.NoError(t, <-done)
	require.NoError(t, err)
}

func TestMigrateConcurrentHandles(t *testing.T) {
	cfg := storetest.Config(t, store.DriverPostgres)
	dbs := []*store.DB{storetest.OpenConfig(t, cfg), storetest.OpenConfig(t, cfg)}
	ctx := context.Background()
	fsys := fstest.MapFS{"001_items.sql": {Data: []byte(migrationItems)}}
	require.NoError(t, dbs[0].Migrate(ctx, "inventory", fsys))

	// Two processes starting together with a new, slow migration pending:
	// the session lock makes one wait, which then finds nothing pending.
	// Without it both would run CREATE TABLE tags.
	slowTags := strings.Replace(migrationTags, "-- +goose Up\n", "-- +goose Up\nSELECT pg_sleep(0.3);\n", 1)
	fsys["002_tags.sql"] = &fstest.MapFile{Data: []byte(slowTags)}
	var g errgroup.Group
	for _, db := range dbs {
		g.Go(func() error { return db.Migrate(ctx, "inventory", fsys) })
	}
	require.NoError(t, g.Wait())
	require.Equal(t, []int64{0, 1, 2}, versions(t, dbs[0], "goose_inventory"))
}
