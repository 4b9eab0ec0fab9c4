package accountpool

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

// maxPurposeBytes caps a lease's free-text purpose.
const maxPurposeBytes = 200

// holderName is the form of a holder: a service name.
var holderName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// Account is the public data of one pool account.
type Account struct {
	// Index is i in the derivation path m/44'/888'/0'/0'/i'.
	Index      int64
	Address    string
	ScriptHash util.Uint160
	PublicKey  *keys.PublicKey
}

// Lease gives a holder the use of accounts until ExpiresAt or until it is
// released.
type Lease struct {
	ID        string
	Holder    string
	Purpose   string
	Accounts  []Account
	CreatedAt time.Time
	ExpiresAt time.Time
}

// account returns the lease's account with script hash h.
func (l Lease) account(h util.Uint160) (Account, bool) {
	for _, a := range l.Accounts {
		if a.ScriptHash.Equals(h) {
			return a, true
		}
	}
	return Account{}, false
}

// Lease takes count free accounts for holder for ttl (the configured
// default when ttl is 0) and records the lease. When too few accounts are
// free it derives new ones, up to the pool size, and returns
// ErrPoolExhausted beyond that. Accounts with the most GAS are taken first.
// No account is ever in two leases: the database records one lease per
// account, and the lease is taken in one write transaction.
func (p *Pool) Lease(ctx context.Context, holder, purpose string, count int, ttl time.Duration) (Lease, error) {
	ttl, err := p.checkLeaseRequest(holder, purpose, count, ttl)
	if err != nil {
		return Lease{}, err
	}
	id, err := p.newLeaseID()
	if err != nil {
		return Lease{}, err
	}

	now := p.now()
	l := Lease{ID: id, Holder: holder, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = p.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := p.checkHolderQuota(ctx, tx, holder, count); err != nil {
			return err
		}
		if err := insertLease(ctx, tx, l); err != nil {
			return err
		}
		l.Accounts, err = p.takeAccounts(ctx, tx, id, count, now)
		return err
	})
	if err != nil {
		return Lease{}, fmt.Errorf("lease %d accounts for %s: %w", count, holder, err)
	}

	p.log.Info("lease granted", "lease_id", id, "holder", holder, "purpose", purpose,
		"accounts", accountIndexes(l.Accounts), "expires_at", l.ExpiresAt)
	return l, nil
}

func (p *Pool) checkLeaseRequest(holder, purpose string, count int, ttl time.Duration) (time.Duration, error) {
	if ttl == 0 {
		ttl = p.cfg.DefaultLeaseTTL
	}
	switch {
	case !holderName.MatchString(holder):
		return 0, fmt.Errorf("%w: holder %q is not a service name", ErrInvalidRequest, holder)
	case len(purpose) > maxPurposeBytes:
		return 0, fmt.Errorf("%w: purpose is %d bytes, limit %d", ErrInvalidRequest, len(purpose), maxPurposeBytes)
	case count < 1 || count > p.cfg.MaxLeaseAccounts:
		return 0, fmt.Errorf("%w: count %d is outside [1, %d]", ErrInvalidRequest, count, p.cfg.MaxLeaseAccounts)
	case ttl < minLeaseTTL || ttl > p.cfg.MaxLeaseTTL:
		return 0, fmt.Errorf("%w: ttl %s is outside [%s, %s]", ErrInvalidRequest, ttl, minLeaseTTL, p.cfg.MaxLeaseTTL)
	}
	return ttl, nil
}

// takeAccounts assigns count free accounts to lease id, deriving new ones
// when too few are free.
func (p *Pool) takeAccounts(ctx context.Context, tx *sql.Tx, id string, count int, now time.Time) ([]Account, error) {
	accounts, err := selectFreeAccounts(ctx, tx, count)
	if err != nil {
		return nil, err
	}
	if missing := count - len(accounts); missing > 0 {
		fresh, err := p.deriveAccounts(ctx, tx, missing, now)
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, fresh...)
	}

	for _, a := range accounts {
		if err := assignAccount(ctx, tx, id, a.Index); err != nil {
			return nil, err
		}
	}
	return accounts, nil
}

// deriveAccounts derives and stores n new accounts after the highest
// stored index, and fails with ErrPoolExhausted when the pool size does
// not allow n more.
func (p *Pool) deriveAccounts(ctx context.Context, tx *sql.Tx, n int, now time.Time) ([]Account, error) {
	total, err := countAccounts(ctx, tx)
	if err != nil {
		return nil, err
	}
	if total+int64(n) > int64(p.cfg.PoolSize) {
		return nil, fmt.Errorf("%w: %d more accounts needed, %d of pool size %d derived",
			ErrPoolExhausted, n, total, p.cfg.PoolSize)
	}

	out := make([]Account, 0, n)
	for index := total; index < total+int64(n); index++ {
		pub, err := p.keys.publicKey(index)
		if err != nil {
			return nil, err
		}
		a := Account{Index: index, Address: pub.Address(), ScriptHash: pub.GetScriptHash(), PublicKey: pub}
		if err := insertAccount(ctx, tx, a, now); err != nil {
			return nil, err
		}
		p.log.Info("account derived", "account", index, "address", a.Address)
		out = append(out, a)
	}
	return out, nil
}

// Release ends holder's lease id and frees its accounts at once, so they
// can be leased again. Releasing a lease that already ended, by Release or
// by expiry, returns nil and changes nothing. It returns ErrLeaseNotFound
// for an unknown id and ErrNotLeaseHolder for another service's lease.
// Fee reservations of the accounts stay until their transactions settle.
func (p *Pool) Release(ctx context.Context, holder, id string) error {
	var ended bool
	var reason string
	err := p.db.InTx(ctx, func(tx *sql.Tx) error {
		row, err := selectLease(ctx, tx, id)
		if err != nil {
			return err
		}
		if row.Holder != holder {
			return fmt.Errorf("lease %s: %w", id, ErrNotLeaseHolder)
		}
		if row.EndReason != "" {
			return nil
		}

		now := p.now()
		reason = endReleased
		if !now.Before(row.ExpiresAt) {
			reason = endExpired
		}
		ended = true
		return endLease(ctx, tx, id, reason, now)
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", id, err)
	}

	if ended {
		p.log.Info("lease released", "lease_id", id, "holder", holder, "end_reason", reason)
	}
	return nil
}

// ActiveLease returns holder's lease id with its accounts if it may still
// be used: ErrLeaseNotFound, ErrNotLeaseHolder, ErrLeaseReleased or
// ErrLeaseExpired otherwise.
func (p *Pool) ActiveLease(ctx context.Context, holder, id string) (Lease, error) {
	return activeLease(ctx, p.db.SQL(), holder, id, p.now())
}

func activeLease(ctx context.Context, q querier, holder, id string, now time.Time) (Lease, error) {
	row, err := selectLease(ctx, q, id)
	if err != nil {
		return Lease{}, err
	}
	if err := row.usableBy(holder, now); err != nil {
		return Lease{}, err
	}
	row.Accounts, err = selectLeaseAccounts(ctx, q, id)
	if err != nil {
		return Lease{}, err
	}
	return row.Lease, nil
}

// Sweep ends every lease past its expiry time and frees its accounts. Run
// calls it every SweepInterval. It returns how many leases it ended.
func (p *Pool) Sweep(ctx context.Context) (int, error) {
	var expired []leaseRow
	err := p.db.InTx(ctx, func(tx *sql.Tx) error {
		now := p.now()
		var err error
		expired, err = selectExpiredLeases(ctx, tx, now)
		if err != nil {
			return err
		}
		for _, l := range expired {
			if err := endLease(ctx, tx, l.ID, endExpired, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sweep expired leases: %w", err)
	}

	for _, l := range expired {
		p.log.Info("lease expired", "lease_id", l.ID, "holder", l.Holder, "expires_at", l.ExpiresAt)
	}
	return len(expired), nil
}

// usableBy checks that holder may use the lease at now.
func (r leaseRow) usableBy(holder string, now time.Time) error {
	switch {
	case r.Holder != holder:
		return fmt.Errorf("lease %s: %w", r.ID, ErrNotLeaseHolder)
	case r.EndReason == endReleased:
		return fmt.Errorf("lease %s: %w", r.ID, ErrLeaseReleased)
	case r.EndReason == endExpired || !now.Before(r.ExpiresAt):
		return fmt.Errorf("lease %s: %w at %s", r.ID, ErrLeaseExpired, r.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

func accountIndexes(accounts []Account) []int64 {
	out := make([]int64, len(accounts))
	for i, a := range accounts {
		out[i] = a.Index
	}
	return out
}

// countHolderAccounts counts the accounts a holder's open leases hold.
const countHolderAccounts = `SELECT COUNT(*) FROM accountpool_accounts a
JOIN accountpool_leases l ON a.lease_id = l.id
WHERE l.holder = $1 AND l.released_at IS NULL`

// checkHolderQuota rejects a lease that would give holder more than
// MaxHolderAccounts accounts, so one holder cannot take the whole pool
// and stop the other services.
func (p *Pool) checkHolderQuota(ctx context.Context, tx *sql.Tx, holder string, count int) error {
	var held int
	if err := tx.QueryRowContext(ctx, countHolderAccounts, holder).Scan(&held); err != nil {
		return fmt.Errorf("count accounts of %s: %w", holder, err)
	}
	if held+count > p.cfg.MaxHolderAccounts {
		return fmt.Errorf("%w: %s holds %d accounts, %d more would pass its limit of %d",
			ErrPoolExhausted, holder, held, count, p.cfg.MaxHolderAccounts)
	}
	return nil
}
