package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// Values of accountpool_leases.end_reason.
const (
	endReleased = "released"
	endExpired  = "expired"
)

const (
	insertLeaseSQL = `INSERT INTO accountpool_leases (id, holder, purpose, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)`

	selectLeaseSQL = `SELECT id, holder, purpose, created_at, expires_at, end_reason
FROM accountpool_leases WHERE id = $1`

	selectExpiredLeasesSQL = `SELECT id, holder, purpose, created_at, expires_at, end_reason
FROM accountpool_leases WHERE released_at IS NULL AND expires_at <= $1 ORDER BY expires_at`

	endLeaseSQL = `UPDATE accountpool_leases SET released_at = $1, end_reason = $2
WHERE id = $3 AND released_at IS NULL`

	freeAccountsSQL = `UPDATE accountpool_accounts SET lease_id = NULL WHERE lease_id = $1`

	accountColumns = `a.idx, a.address, a.script_hash, a.public_key`

	selectFreeAccountsSQL = `SELECT ` + accountColumns + ` FROM accountpool_accounts a
WHERE a.lease_id IS NULL ORDER BY a.gas DESC, a.idx LIMIT $1`

	selectLeaseAccountsSQL = `SELECT ` + accountColumns + ` FROM accountpool_accounts a
JOIN accountpool_lease_accounts la ON la.account_idx = a.idx
WHERE la.lease_id = $1 ORDER BY a.idx`

	selectAllAccountsSQL = `SELECT ` + accountColumns + ` FROM accountpool_accounts a ORDER BY a.idx`

	countAccountsSQL = `SELECT COUNT(*) FROM accountpool_accounts`

	insertAccountSQL = `INSERT INTO accountpool_accounts (idx, address, script_hash, public_key, created_at)
VALUES ($1, $2, $3, $4, $5)`

	assignAccountSQL = `UPDATE accountpool_accounts SET lease_id = $1 WHERE idx = $2 AND lease_id IS NULL`

	insertLeaseAccountSQL = `INSERT INTO accountpool_lease_accounts (lease_id, account_idx) VALUES ($1, $2)`
)

// querier is implemented by *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// leaseRow is a stored lease with how it ended ("" while open).
type leaseRow struct {
	Lease
	EndReason string
}

func insertLease(ctx context.Context, tx *sql.Tx, l Lease) error {
	_, err := tx.ExecContext(ctx, insertLeaseSQL, l.ID, l.Holder, l.Purpose,
		l.CreatedAt.UnixMilli(), l.ExpiresAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert lease %s: %w", l.ID, err)
	}
	return nil
}

// selectLease returns lease id without its accounts, or an error wrapping
// ErrLeaseNotFound.
func selectLease(ctx context.Context, q querier, id string) (leaseRow, error) {
	r, err := scanLease(q.QueryRowContext(ctx, selectLeaseSQL, id).Scan)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return leaseRow{}, fmt.Errorf("lease %s: %w", id, ErrLeaseNotFound)
	}
	if err != nil {
		return leaseRow{}, fmt.Errorf("load lease %s: %w", id, err)
	}
	return r, nil
}

func selectExpiredLeases(ctx context.Context, q querier, now time.Time) ([]leaseRow, error) {
	rows, err := q.QueryContext(ctx, selectExpiredLeasesSQL, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("list expired leases: %w", err)
	}
	defer rows.Close()

	var out []leaseRow
	for rows.Next() {
		r, err := scanLease(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list expired leases: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanLease(scan func(dest ...any) error) (leaseRow, error) {
	var r leaseRow
	var created, expires int64
	if err := scan(&r.ID, &r.Holder, &r.Purpose, &created, &expires, &r.EndReason); err != nil {
		return leaseRow{}, err
	}
	r.CreatedAt = time.UnixMilli(created)
	r.ExpiresAt = time.UnixMilli(expires)
	return r, nil
}

// endLease marks lease id ended for reason and frees its accounts.
func endLease(ctx context.Context, tx *sql.Tx, id, reason string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, endLeaseSQL, now.UnixMilli(), reason, id); err != nil {
		return fmt.Errorf("end lease %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, freeAccountsSQL, id); err != nil {
		return fmt.Errorf("free accounts of lease %s: %w", id, err)
	}
	return nil
}

func selectFreeAccounts(ctx context.Context, q querier, limit int) ([]Account, error) {
	return queryAccounts(ctx, q, "list free accounts", selectFreeAccountsSQL, limit)
}

func selectLeaseAccounts(ctx context.Context, q querier, id string) ([]Account, error) {
	return queryAccounts(ctx, q, "list accounts of lease "+id, selectLeaseAccountsSQL, id)
}

func listAccounts(ctx context.Context, q querier) ([]Account, error) {
	return queryAccounts(ctx, q, "list accounts", selectAllAccountsSQL)
}

func queryAccounts(ctx context.Context, q querier, step, query string, args ...any) ([]Account, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	defer rows.Close()

	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", step, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	return out, nil
}

// scanAccount reads accountColumns.
func scanAccount(scan func(dest ...any) error) (Account, error) {
	var a Account
	var hash, pub string
	if err := scan(&a.Index, &a.Address, &hash, &pub); err != nil {
		return Account{}, err
	}

	var err error
	if a.ScriptHash, err = util.Uint160DecodeStringLE(hash); err != nil {
		return Account{}, fmt.Errorf("decode script hash of account %d: %w", a.Index, err)
	}
	if a.PublicKey, err = keys.NewPublicKeyFromString(pub); err != nil {
		return Account{}, fmt.Errorf("decode public key of account %d: %w", a.Index, err)
	}
	return a, nil
}

func countAccounts(ctx context.Context, q querier) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, countAccountsSQL).Scan(&n); err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}

func insertAccount(ctx context.Context, tx *sql.Tx, a Account, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertAccountSQL, a.Index, a.Address, a.ScriptHash.StringLE(),
		a.PublicKey.StringCompressed(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert account %d: %w", a.Index, err)
	}
	return nil
}

// assignAccount gives free account index to lease id and records it in
// the lease's history.
func assignAccount(ctx context.Context, tx *sql.Tx, id string, index int64) error {
	res, err := tx.ExecContext(ctx, assignAccountSQL, id, index)
	if err != nil {
		return fmt.Errorf("assign account %d to lease %s: %w", index, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("assign account %d to lease %s: account is not free", index, id)
	}
	if _, err := tx.ExecContext(ctx, insertLeaseAccountSQL, id, index); err != nil {
		return fmt.Errorf("record account %d in lease %s: %w", index, id, err)
	}
	return nil
}
