//go:build integration

package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/internal/store/storetest"
)

func TestTryLockExclusiveAcrossHandles(t *testing.T) {
	cfg := storetest.Config(t, store.DriverPostgres)
	first := storetest.OpenConfig(t, cfg)
	second := storetest.OpenConfig(t, cfg)
	ctx := context.Background()

	release, ok, err := first.TryLock(ctx, 42)
	require.NoError(t, err)
	require.True(t, ok, "first handle must get a free lock")

	again, ok, err := second.TryLock(ctx, 42)
	require.NoError(t, err)
	require.False(t, ok, "second handle got a lock the first holds")
	require.Nil(t, again)

	other, ok, err := second.TryLock(ctx, 43)
	require.NoError(t, err)
	require.True(t, ok, "another key must be free")
	other()

	release()
	release() // a second call does nothing

	taken, ok, err := second.TryLock(ctx, 42)
	require.NoError(t, err)
	require.True(t, ok, "lock still held after release")
	taken()
}

func TestTryLockKeyScopedToSchema(t *testing.T) {
	alpha := storetest.Open(t, store.DriverPostgres)
	beta := storetest.Open(t, store.DriverPostgres)
	ctx := context.Background()

	releaseAlpha, ok, err := alpha.TryLock(ctx, 7)
	require.NoError(t, err)
	require.True(t, ok)
	defer releaseAlpha()

	releaseBeta, ok, err := beta.TryLock(ctx, 7)
	require.NoError(t, err)
	require.True(t, ok, "the same key in another schema must be free")
	releaseBeta()
}

func TestTryLockHoldsNoPooledConnection(t *testing.T) {
	cfg := storetest.Config(t, store.DriverPostgres)
	cfg.MaxConns = 1
	db := storetest.OpenConfig(t, cfg)
	withCounter(t, db)
	ctx := context.Background()

	release, ok, err := db.TryLock(ctx, 1)
	require.NoError(t, err)
	require.True(t, ok)
	defer release()

	err = db.InTx(ctx, func(tx *sql.Tx) error { return increment(ctx, tx) })
	require.NoError(t, err)
	require.Equal(t, int64(1), count(t, db))
}
