package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/internal/store/storetest"
)

func withCounter(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	_, err := db.SQL().ExecContext(ctx,
		"CREATE TABLE IF NOT EXISTS counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
	require.NoError(t, err)
	_, err = db.SQL().ExecContext(ctx,
		"INSERT INTO counter (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
	require.NoError(t, err)
}

func count(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var n int64
	err := db.SQL().QueryRowContext(context.Background(), "SELECT n FROM counter WHERE id = 1").Scan(&n)
	require.NoError(t, err)
	return n
}

// increment reads and then writes: the pattern that fails with "database
// is locked" when a deferred SQLite transaction upgrades to a writer, and
// that loses updates on PostgreSQL at READ COMMITTED unless writers take
// turns.
func increment(ctx context.Context, tx *sql.Tx) error {
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE counter SET n = $1 WHERE id = 1", n+1)
	return err
}

func TestInTxCommits(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		ctx := context.Background()

		err := db.InTx(ctx, func(tx *sql.Tx) error { return increment(ctx, tx) })
		require.NoError(t, err)
		require.Equal(t, int64(1), count(t, db))
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		ctx := context.Background()
		boom := errors.New("boom")

		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if err := increment(ctx, tx); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, int64(0), count(t, db))
	})
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		ctx := context.Background()

		require.PanicsWithValue(t, "boom", func() {
			_ = db.InTx(ctx, func(tx *sql.Tx) error {
				if err := increment(ctx, tx); err != nil {
					return err
				}
				panic("boom")
			})
		})
		require.Equal(t, int64(0), count(t, db))

		// The write turn was released: the next transaction runs.
		err := db.InTx(ctx, func(tx *sql.Tx) error { return increment(ctx, tx) })
		require.NoError(t, err)
		require.Equal(t, int64(1), count(t, db))
	})
}

func TestInTxMapsNoRowsToNotFound(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		ctx := context.Background()

		err := db.InTx(ctx, func(tx *sql.Tx) error {
			var n int64
			return tx.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = $1", 42).Scan(&n)
		})
		require.ErrorIs(t, err, store.ErrNotFound)

		var n int64
		err = store.NotFound(db.SQL().QueryRowContext(ctx, "SELECT n FROM counter WHERE id = $1", 42).Scan(&n))
		require.ErrorIs(t, err, store.ErrNotFound)

		other := errors.New("other")
		require.Equal(t, other, store.NotFound(other))
		require.Equal(t, other, store.MapError(other))
	})
}

func TestInTxMapsUniqueViolation(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		ctx := context.Background()
		insert := "INSERT INTO counter (id, n) VALUES ($1, 0)"

		err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, 1)
			return err
		})
		require.ErrorIs(t, err, store.ErrUniqueViolation)
		require.NotErrorIs(t, err, store.ErrNotFound)

		_, err = db.SQL().ExecContext(ctx, insert, 1)
		require.ErrorIs(t, store.MapError(err), store.ErrUniqueViolation)
		mapped := store.MapError(err)
		require.Equal(t, mapped, store.MapError(mapped), "mapping twice adds nothing")
	})
}

func TestInTxWaitHonoursContext(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		db := storetest.Open(t, driver)
		withCounter(t, db)
		held := make(chan struct{})
		release := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = db.InTx(context.Background(), func(*sql.Tx) error {
				close(held)
				<-release
				return nil
			})
		}()
		<-held

		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		err := db.InTx(ctx, func(*sql.Tx) error { return nil })
		require.ErrorIs(t, err, context.DeadlineExceeded)

		close(release)
		wg.Wait()
	})
}

func TestInTxOtherProcessWaitsBusyTimeout(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		cfg := storetest.Config(t, driver)
		first := storetest.OpenConfig(t, cfg)
		withCounter(t, first)
		cfg.BusyTimeout = 100 * time.Millisecond
		second := storetest.OpenConfig(t, cfg)
		ctx := context.Background()

		held := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- first.InTx(ctx, func(tx *sql.Tx) error {
				if err := increment(ctx, tx); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held

		start := time.Now()
		err := second.InTx(ctx, func(tx *sql.Tx) error { return increment(ctx, tx) })
		took := time.Since(start)
		close(release)
		require.NoError(t, <-done)

		require.Error(t, err, "second writer must give up while the first holds the write lock")
		require.GreaterOrEqual(t, took, 90*time.Millisecond, "waited %s, want about the busy timeout", took)
		require.Less(t, took, 5*time.Second, "waited %s, want about the busy timeout", took)
		require.Equal(t, int64(1), count(t, first))
	})
}

func TestConcurrentWritersNeverLocked(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver store.Driver) {
		// Two handles on one database stand for two processes: they share
		// no in-process write turn, so only the database keeps them apart.
		cfg := storetest.Config(t, driver)
		first := storetest.OpenConfig(t, cfg)
		second := storetest.OpenConfig(t, cfg)
		withCounter(t, first)

		const workers, perWorker = 8, 25
		ctx := context.Background()
		var g errgroup.Group
		for w := range workers {
			db := first
			if w%2 == 1 {
				db = second
			}
			g.Go(func() error {
				for range perWorker {
					err := db.InTx(ctx, func(tx *sql.Tx) error { return increment(ctx, tx) })
					if err != nil {
						return fmt.Errorf("worker %d: %w", w, err)
					}
				}
				return nil
			})
		}
		require.NoError(t, g.Wait())
		require.Equal(t, int64(workers*perWorker), count(t, first))
	})
}
