package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/neo"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
)

// balanceBatch is how many accounts one test invocation reads. Two
// results per account stay far below NeoVM's limit of 2048 stack items.
const balanceBatch = 256

const (
	selectBalancesSQL = `SELECT ` + accountColumns + `, a.gas, a.neo, a.balance_height,
  COALESCE(a.lease_id, ''), COALESCE(l.holder, ''),
  (SELECT CAST(COALESCE(SUM(r.fee + r.amount), 0) AS BIGINT) FROM accountpool_reservations r
    WHERE r.account_idx = a.idx)
FROM accountpool_accounts a LEFT JOIN accountpool_leases l ON l.id = a.lease_id
ORDER BY a.idx`

	// A balance read at an older block count never replaces a newer one.
	updateBalanceSQL = `UPDATE accountpool_accounts SET gas = $1, neo = $2, balance_height = $3
WHERE idx = $4 AND balance_height <= $3`
)

// AccountBalance is one pool account with its balances and who holds it.
type AccountBalance struct {
	Account
	// GAS is in datoshi, NEO in whole tokens.
	GAS int64
	NEO int64
	// Reserved is the GAS, in datoshi, held back for the account's signed
	// transactions that have not settled yet.
	Reserved int64
	// Height is the node's block count when the balances were read, 0 if
	// they never were.
	Height uint32
	// LeaseID and Holder name the lease holding the account, empty when
	// it is free.
	LeaseID string
	Holder  string
}

// Balances returns every pool account with its GAS and NEO as last read
// from the chain. Run reads them again on every new block;
// RefreshBalances reads them now.
func (p *Pool) Balances(ctx context.Context) ([]AccountBalance, error) {
	rows, err := p.db.SQL().QueryContext(ctx, selectBalancesSQL)
	if err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	defer rows.Close()

	var out []AccountBalance
	for rows.Next() {
		var b AccountBalance
		var height int64
		b.Account, err = scanAccount(func(dest ...any) error {
			return rows.Scan(append(dest, &b.GAS, &b.NEO, &height, &b.LeaseID, &b.Holder, &b.Reserved)...)
		})
		if err != nil {
			return nil, fmt.Errorf("list balances: %w", err)
		}
		b.Height = uint32(height)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	return out, nil
}

// RefreshBalances settles fee reservations and reads every account's
// balances from the chain now.
func (p *Pool) RefreshBalances(ctx context.Context) error {
	return p.syncAccounts(ctx, nil)
}

// syncAccounts settles the reservations of the accounts in only (all
// accounts when only is nil), then reads their balances, and stores both
// in one write transaction. The order matters: a reservation is dropped
// only once its transaction is seen in a block, and the balances are read
// after that, so the stored balance always includes the fees of every
// transaction whose reservation is gone.
func (p *Pool) syncAccounts(ctx context.Context, only []int64) error {
	count, err := p.rpc.GetBlockCount()
	if err != nil {
		return fmt.Errorf("get block count: %w", err)
	}
	settled, err := p.settledReservations(ctx, count-1, only)
	if err != nil {
		return err
	}
	accounts, err := listAccounts(ctx, p.db.SQL())
	if err != nil {
		return err
	}
	if only != nil {
		accounts = slices.DeleteFunc(accounts, func(a Account) bool { return !slices.Contains(only, a.Index) })
	}
	balances, err := p.readBalances(accounts)
	if err != nil {
		return err
	}

	return p.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range settled {
			if _, err := tx.ExecContext(ctx, deleteReservationSQL, r.TxHash.StringLE()); err != nil {
				return fmt.Errorf("delete reservation %s: %w", r.TxHash.StringLE(), err)
			}
		}
		for i, a := range accounts {
			b := balances[i]
			if _, err := tx.ExecContext(ctx, updateBalanceSQL, b.gas, b.neo, int64(count), a.Index); err != nil {
				return fmt.Errorf("store balance of account %d: %w", a.Index, err)
			}
		}
		return nil
	})
}

// settledReservations returns the reservations of the accounts in only
// (all when nil) whose transaction is in a block, or can no longer be
// because the chain at height passed its valid-until block.
func (p *Pool) settledReservations(ctx context.Context, height uint32, only []int64) ([]pendingReservation, error) {
	all, err := listReservations(ctx, p.db.SQL())
	if err != nil {
		return nil, err
	}

	var settled []pendingReservation
	for _, r := range all {
		if only != nil && !slices.Contains(only, r.Account) {
			continue
		}
		block, err := p.rpc.GetTransactionHeight(r.TxHash)
		switch {
		case err == nil:
			p.log.Debug("fee reservation settled", "tx_hash", r.TxHash.StringLE(), "block", block)
		case !isUnknownTransaction(err):
			return nil, fmt.Errorf("get height of %s: %w", r.TxHash.StringLE(), err)
		case height >= r.ValidUntil:
			p.log.Debug("fee reservation expired", "tx_hash", r.TxHash.StringLE(), "valid_until", r.ValidUntil)
		default:
			continue
		}
		settled = append(settled, r)
	}
	return settled, nil
}

func isUnknownTransaction(err error) bool {
	return errors.Is(err, neorpc.ErrUnknownTransaction) || errors.Is(err, neorpc.ErrUnknownScriptContainer)
}

// balance is one account's GAS (datoshi) and NEO.
type balance struct {
	gas, neo int64
}

// readBalances reads the GAS and NEO of accounts with one test invocation
// per balanceBatch accounts, in the order given.
func (p *Pool) readBalances(accounts []Account) ([]balance, error) {
	inv := invoker.New(p.rpc, nil)
	out := make([]balance, 0, len(accounts))
	for batch := range slices.Chunk(accounts, balanceBatch) {
		b := smartcontract.NewBuilder()
		for _, a := range batch {
			b.InvokeMethod(gas.Hash, "balanceOf", a.ScriptHash)
			b.InvokeMethod(neo.Hash, "balanceOf", a.ScriptHash)
		}
		script, err := b.Script()
		if err != nil {
			return nil, fmt.Errorf("build balance script: %w", err)
		}

		res, err := inv.Run(script)
		if err != nil {
			return nil, fmt.Errorf("read balances: %w", err)
		}
		if res.State != vmstate.Halt.String() {
			return nil, fmt.Errorf("read balances: vm state %s: %s", res.State, res.FaultException)
		}
		got, err := decodeBalances(res.Stack, len(batch))
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func decodeBalances(stack []stackitem.Item, n int) ([]balance, error) {
	if len(stack) != 2*n {
		return nil, fmt.Errorf("read balances: %d results for %d accounts", len(stack), n)
	}
	out := make([]balance, n)
	for i := range out {
		g, err := stack[2*i].TryInteger()
		if err != nil || !g.IsInt64() {
			return nil, fmt.Errorf("read balances: GAS result %d is not a 64-bit integer", i)
		}
		t, err := stack[2*i+1].TryInteger()
		if err != nil || !t.IsInt64() {
			return nil, fmt.Errorf("read balances: NEO result %d is not a 64-bit integer", i)
		}
		out[i] = balance{gas: g.Int64(), neo: t.Int64()}
	}
	return out, nil
}
