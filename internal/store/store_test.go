package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

func openTest(t *testing.T, path string) *store.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "test.db")
	}
	db, err := store.Open(context.Background(), store.Config{Path: path})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func TestOpenRejectsInvalidConfig(t *testing.T) {
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.Open(context.Background(), tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestOpenAppliesPragmas(t *testing.T) {
	db := openTest(t, "")
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

func TestOpenReopensExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.db")
	ctx := context.Background()

	first, err := store.Open(ctx, store.Config{Path: path})
	require.NoError(t, err)
	_, err = first.SQL().ExecContext(ctx, "CREATE TABLE kept (v BIGINT)")
	require.NoError(t, err)
	_, err = first.SQL().ExecContext(ctx, "INSERT INTO kept (v) VALUES ($1)", 7)
	require.NoError(t, err)
	require.NoError(t, first.Close())

	second := openTest(t, path)
	var v int64
	require.NoError(t, second.SQL().QueryRowContext(ctx, "SELECT v FROM kept").Scan(&v))
	require.Equal(t, int64(7), v)
}
