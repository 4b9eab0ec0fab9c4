package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

const (
	selectTransferSQL = `SELECT t.send_key, t.holder, t.lease_id, t.account_idx, a.script_hash,
  t.asset, t.recipient, t.amount
FROM accountpool_transfers t JOIN accountpool_accounts a ON a.idx = t.account_idx
WHERE t.send_key = $1`

	insertTransferSQL = `INSERT INTO accountpool_transfers
(send_key, holder, lease_id, account_idx, asset, recipient, amount, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
)

// selectTransfer returns the transfer stored under key and whether there
// is one.
func selectTransfer(ctx context.Context, q querier, key string) (transferRecord, bool, error) {
	var r transferRecord
	var from, to, asset string
	err := q.QueryRowContext(ctx, selectTransferSQL, key).Scan(
		&r.Key, &r.Holder, &r.LeaseID, &r.Account, &from, &asset, &to, &r.Amount)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return transferRecord{}, false, nil
	}
	if err != nil {
		return transferRecord{}, false, fmt.Errorf("load transfer %q: %w", key, err)
	}

	if r.From, err = util.Uint160DecodeStringLE(from); err != nil {
		return transferRecord{}, false, fmt.Errorf("decode source of transfer %q: %w", key, err)
	}
	if r.To, err = util.Uint160DecodeStringLE(to); err != nil {
		return transferRecord{}, false, fmt.Errorf("decode recipient of transfer %q: %w", key, err)
	}
	r.Asset = Asset(asset)
	return r, true, nil
}

func insertTransfer(ctx context.Context, tx *sql.Tx, r transferRecord, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertTransferSQL, r.Key, r.Holder, r.LeaseID, r.Account,
		string(r.Asset), r.To.StringLE(), r.Amount, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert transfer %q: %w", r.Key, err)
	}
	return nil
}
