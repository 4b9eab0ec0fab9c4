package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

const (
	insertReservationSQL = `INSERT INTO accountpool_reservations
(tx_hash, account_idx, lease_id, fee, amount, valid_until, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`

	reservationExistsSQL = `SELECT COUNT(*) FROM accountpool_reservations WHERE tx_hash = $1`

	selectBudgetSQL = `SELECT a.gas, a.balance_height,
  (SELECT CAST(COALESCE(SUM(r.fee + r.amount), 0) AS BIGINT) FROM accountpool_reservations r
    WHERE r.account_idx = a.idx)
FROM accountpool_accounts a WHERE a.idx = $1`

	selectReservationsSQL = `SELECT tx_hash, account_idx, valid_until FROM accountpool_reservations
ORDER BY created_at`

	deleteReservationSQL = `DELETE FROM accountpool_reservations WHERE tx_hash = $1`
)

// reservation is GAS held back for one signed transaction until it settles.
type reservation struct {
	TxHash  util.Uint256
	Account int64
	LeaseID string
	// Fee is the system plus network fee, in datoshi.
	Fee int64
	// Amount is the GAS the transaction transfers away, in datoshi.
	Amount     int64
	ValidUntil uint32
}

// fundsError is a reservation that does not fit into an account's GAS.
type fundsError struct {
	Account  int64
	Balance  int64
	Reserved int64
	Need     int64
	// Known is false while the account's balance was never read.
	Known bool
}

func (e *fundsError) Error() string {
	if !e.Known {
		return fmt.Sprintf("account %d: balance not read yet, transaction needs %d datoshi: %s",
			e.Account, e.Need, ErrInsufficientFunds)
	}
	return fmt.Sprintf("account %d has %d datoshi of GAS with %d reserved, transaction needs %d: %s",
		e.Account, e.Balance, e.Reserved, e.Need, ErrInsufficientFunds)
}

func (e *fundsError) Unwrap() error { return ErrInsufficientFunds }

// reserve records r if the account's GAS covers it on top of what is
// already reserved. When it does not, the stored balance may be old (a
// top-up, an included transaction), so reserve reads the account's
// balance from the chain once and tries again.
func (p *Pool) reserve(ctx context.Context, holder string, r reservation) error {
	err := p.tryReserve(ctx, holder, r)
	var short *fundsError
	if !errors.As(err, &short) {
		return err
	}

	if err := p.syncAccounts(ctx, []int64{r.Account}); err != nil {
		return fmt.Errorf("refresh balance of account %d: %w", r.Account, err)
	}
	return p.tryReserve(ctx, holder, r)
}

// tryReserve checks in one write transaction that holder's lease is still
// usable and that the stored balance covers r, then records r.
func (p *Pool) tryReserve(ctx context.Context, holder string, r reservation) error {
	return p.db.InTx(ctx, func(tx *sql.Tx) error {
		now := p.now()
		lease, err := selectLease(ctx, tx, r.LeaseID)
		if err != nil {
			return err
		}
		if err := lease.usableBy(holder, now); err != nil {
			return err
		}

		var exists int
		if err := tx.QueryRowContext(ctx, reservationExistsSQL, r.TxHash.StringLE()).Scan(&exists); err != nil {
			return fmt.Errorf("look up reservation %s: %w", r.TxHash.StringLE(), err)
		}
		if exists > 0 {
			return nil
		}

		if err := checkBudget(ctx, tx, r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, insertReservationSQL, r.TxHash.StringLE(), r.Account, r.LeaseID,
			r.Fee, r.Amount, int64(r.ValidUntil), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("insert reservation %s: %w", r.TxHash.StringLE(), err)
		}
		return nil
	})
}

// checkBudget returns a *fundsError when the account's stored GAS minus
// its reservations does not cover r.
func checkBudget(ctx context.Context, tx *sql.Tx, r reservation) error {
	var gas, height, reserved int64
	err := tx.QueryRowContext(ctx, selectBudgetSQL, r.Account).Scan(&gas, &height, &reserved)
	if err != nil {
		return fmt.Errorf("load budget of account %d: %w", r.Account, err)
	}

	need := r.Fee + r.Amount
	if height > 0 && gas-reserved >= need {
		return nil
	}
	return &fundsError{Account: r.Account, Balance: gas, Reserved: reserved, Need: need, Known: height > 0}
}

// dropReservation deletes the reservation of a transaction that will
// never be sent, such as one built for a transfer that lost a race with
// a concurrent retry.
func (p *Pool) dropReservation(ctx context.Context, h util.Uint256) error {
	return p.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, deleteReservationSQL, h.StringLE())
		return err
	})
}

// pendingReservation is a stored reservation as the settling step needs it.
type pendingReservation struct {
	TxHash     util.Uint256
	Account    int64
	ValidUntil uint32
}

func listReservations(ctx context.Context, q querier) ([]pendingReservation, error) {
	rows, err := q.QueryContext(ctx, selectReservationsSQL)
	if err != nil {
		return nil, fmt.Errorf("list reservations: %w", err)
	}
	defer rows.Close()

	var out []pendingReservation
	for rows.Next() {
		var r pendingReservation
		var hash string
		var validUntil int64
		if err := rows.Scan(&hash, &r.Account, &validUntil); err != nil {
			return nil, fmt.Errorf("list reservations: %w", err)
		}
		if r.TxHash, err = util.Uint256DecodeStringLE(hash); err != nil {
			return nil, fmt.Errorf("decode reservation hash %q: %w", hash, err)
		}
		r.ValidUntil = uint32(validUntil)
		out = append(out, r)
	}
	return out, rows.Err()
}
