package store_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/internal/store/storetest"
)

const (
	migrationItems = `-- +goose Up
CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);

-- +goose Down
DROP TABLE items;
`
	migrationTags = `-- +goose Up
CREATE TABLE tags (
    item_id BIGINT NOT NULL REFERENCES items (id),
    tag TEXT NOT NULL
);

-- +goose Down
DROP TABLE tags;
`
)

func TestMigrateAppliesOnceAndAgain(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		ctx := context.Background()
		fsys := fstest.MapFS{"001_items.sql": {Data: []byte(migrationItems)}}

		require.NoError(t, db.Migrate(ctx, "inventory", fsys))
		require.NoError(t, db.Migrate(ctx, "inventory", fsys), "second run with nothing pending")
		require.Equal(t, []int64{0, 1}, versions(t, db, "goose_inventory"))

		fsys["002_tags.sql"] = &fstest.MapFile{Data: []byte(migrationTags)}
		require.NoError(t, db.Migrate(ctx, "inventory", fsys))
		require.Equal(t, []int64{0, 1, 2}, versions(t, db, "goose_inventory"))

		_, err := db.SQL().ExecContext(ctx, "INSERT INTO items (id, name) VALUES ($1, $2)", 1, "a")
		require.NoError(t, err)
		_, err = db.SQL().ExecContext(ctx, "INSERT INTO tags (item_id, tag) VALUES ($1, $2)", 1, "x")
		require.NoError(t, err)
	})
}

func TestMigrateKeepsComponentsApart(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		ctx := context.Background()
		items := fstest.MapFS{"001_items.sql": {Data: []byte(migrationItems)}}
		other := fstest.MapFS{"001_other.sql": {Data: []byte("-- +goose Up\nCREATE TABLE other (v TEXT);\n")}}

		require.NoError(t, db.Migrate(ctx, "alpha", items))
		require.NoError(t, db.Migrate(ctx, "beta", other))

		require.Equal(t, []int64{0, 1}, versions(t, db, "goose_alpha"))
		require.Equal(t, []int64{0, 1}, versions(t, db, "goose_beta"))
		_, err := db.SQL().ExecContext(ctx, "INSERT INTO other (v) VALUES ($1)", "ok")
		require.NoError(t, err)
	})
}

func TestMigrateForeignKeysEnforced(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		ctx := context.Background()
		fsys := fstest.MapFS{
			"001_items.sql": {Data: []byte(migrationItems)},
			"002_tags.sql":  {Data: []byte(migrationTags)},
		}
		require.NoError(t, db.Migrate(ctx, "inventory", fsys))

		_, err := db.SQL().ExecContext(ctx, "INSERT INTO tags (item_id, tag) VALUES ($1, $2)", 99, "x")
		require.Error(t, err)
		require.Contains(t, strings.ToLower(err.Error()), "foreign key")
		require.NotErrorIs(t, store.MapError(err), store.ErrUniqueViolation)
	})
}

func TestMigrateRejectsBadInput(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		ctx := context.Background()
		bad := fstest.MapFS{"001_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLEX nope;\n")}}
		items := fstest.MapFS{"001_items.sql": {Data: []byte(migrationItems)}}

		tests := []struct {
			name      string
			component string
			fsys      fstest.MapFS
			want      string
		}{
			{name: "upper case component", component: "Chain", fsys: items, want: "invalid component name"},
			{name: "component with dash", component: "a-b", fsys: items, want: "invalid component name"},
			{name: "no migrations", component: "empty", fsys: fstest.MapFS{}, want: "no migration"},
			{name: "broken sql", component: "broken", fsys: bad, want: "migrate broken"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := db.Migrate(ctx, tc.component, tc.fsys)
				require.ErrorContains(t, err, tc.want)
			})
		}
	})
}

// versions lists the applied versions recorded in a goose version table.
func versions(t *testing.T, db *store.DB, table string) []int64 {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(),
		"SELECT version_id FROM "+table+" WHERE is_applied ORDER BY version_id")
	require.NoError(t, err)
	defer rows.Close()

	var got []int64
	for rows.Next() {
		var v int64
		require.NoError(t, rows.Scan(&v))
		got = append(got, v)
	}
	require.NoError(t, rows.Err())
	return got
}
