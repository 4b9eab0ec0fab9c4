package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound reports that a queried row does not exist. InTx, NotFound and
// MapError turn sql.ErrNoRows into it, so callers test
// errors.Is(err, ErrNotFound) and never need a driver or database/sql
// sentinel.
var ErrNotFound = errors.New("not found")

// ErrUniqueViolation reports that a write would have duplicated a value
// under a PRIMARY KEY or UNIQUE constraint. InTx and MapError add it to the
// chain of the driver's error, on both drivers.
var ErrUniqueViolation = errors.New("unique constraint violated")

// pgUniqueViolation is the PostgreSQL SQLSTATE unique_violation.
const pgUniqueViolation = "23505"

// NotFound returns err with ErrNotFound added to its chain when err wraps
// sql.ErrNoRows, and err unchanged otherwise. Use it on reads done outside
// InTx, for example on (*sql.Row).Scan from SQL().
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// MapError returns err with the matching sentinel of this package added to
// its chain: ErrNotFound for sql.ErrNoRows and ErrUniqueViolation for
// either driver's unique or primary key violation. Other errors come back
// unchanged. The driver's error stays in the chain, so its message is kept.
func MapError(err error) error {
	if isUniqueViolation(err) && !errors.Is(err, ErrUniqueViolation) {
		return fmt.Errorf("%w: %w", ErrUniqueViolation, err)
	}
	return NotFound(err)
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgUniqueViolation
	}

	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
