package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// releaseTimeout bounds how long a lock's release waits for the server
// before it drops the connection, which releases the lock too.
const releaseTimeout = 5 * time.Second

// TryLock takes the PostgreSQL session advisory lock for key without
// waiting, for leader election among replicas. It reports ok false, with
// nil release and err, when another session holds the lock.
//
// key is scoped to the schema of d: handles on other schemas in the same
// database never contend for it. The lock lives on a dedicated connection
// outside the pool, so holding it takes no pooled connection. release ends
// that connection, which frees the lock; it is safe to call more than once.
// Because the server frees the lock when the connection drops, a holder
// that loses its connection also loses the lock, and TryLock has no way to
// report that.
//
// On SQLite TryLock returns an error wrapping errors.ErrUnsupported: one
// process owns a SQLite file, so it has no peers to elect among.
func (d *DB) TryLock(ctx context.Context, key int64) (release func(), ok bool, err error) {
	if d.driver != DriverPostgres {
		return nil, false, fmt.Errorf("try lock %d on %s: %w", key, d.driver, errors.ErrUnsupported)
	}

	conn, err := pgx.ConnectConfig(ctx, d.pgConfig)
	if err != nil {
		return nil, false, fmt.Errorf("try lock %d: connect: %w", key, err)
	}

	err = conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", schemaLockKey(d.schema, "lock", key)).Scan(&ok)
	if err != nil || !ok {
		closeConn(conn)
		if err != nil {
			return nil, false, fmt.Errorf("try lock %d: %w", key, err)
		}
		return nil, false, nil
	}

	var once sync.Once
	return func() { once.Do(func() { closeConn(conn) }) }, true, nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	_ = conn.Close(ctx)
}
