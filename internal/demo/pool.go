package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/util"

	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// transferDatoshi is the amount the AccountPool step sends to the user:
// 1 GAS.
const transferDatoshi = 100_000_000

// poolStep leases one AccountPool account, transfers 1 GAS from it to the
// user (twice under one idempotency key, which must pay once), releases
// the lease, and reports the balances before and after.
func (t *tour) poolStep(ctx context.Context) Step {
	s := Step{Name: "accountpool.lease_transfer_release", Service: poolapi.ServiceName}
	started := time.Now()
	user := t.env.User.ScriptHash()

	userBefore, err := t.gasOf(user)
	if err != nil {
		return stepError(s, started, err)
	}
	lease, err := t.env.Pool.Lease(ctx, "demo transfer", 1, time.Minute)
	if err != nil {
		return stepError(s, started, err)
	}
	account := lease.Accounts[0]
	funded, err := t.waitPoolFunded(ctx, account.ScriptHash)
	if err != nil {
		return stepError(s, started, err)
	}

	key := "demo-transfer-" + lease.ID
	req := poolapi.TransferRequest{LeaseID: lease.ID, To: user, Asset: poolapi.AssetGAS, Amount: transferDatoshi}
	txHash, err := t.env.Pool.Transfer(ctx, key, req)
	if err != nil {
		return stepError(s, started, err)
	}
	s.Tx = txHash.StringLE()
	again, err := t.env.Pool.Transfer(ctx, key, req)
	if err != nil {
		return stepError(s, started, fmt.Errorf("repeat transfer: %w", err))
	}
	if again != txHash {
		return stepError(s, started, fmt.Errorf("repeated transfer under one key sent %s, first sent %s", again.StringLE(), txHash.StringLE()))
	}
	if err := t.waitTx(ctx, txHash); err != nil {
		return stepError(s, started, err)
	}

	if err := t.env.Pool.Release(ctx, lease.ID); err != nil {
		return stepError(s, started, err)
	}
	userAfter, err := t.gasOf(user)
	if err != nil {
		return stepError(s, started, err)
	}
	poolAfter, holder, err := t.poolBalance(ctx, account.ScriptHash)
	if err != nil {
		return stepError(s, started, err)
	}

	if got := userAfter - userBefore; got != transferDatoshi {
		return stepError(s, started, fmt.Errorf("user balance changed by %d datoshi, want %d", got, transferDatoshi))
	}
	if holder != "" {
		return stepError(s, started, fmt.Errorf("account %s still held by %q after release", account.Address, holder))
	}
	s.OK = true
	s.TookMS = time.Since(started).Milliseconds()
	s.Detail = fmt.Sprintf("leased %s; pool account GAS %s -> %s (after fees); user GAS %s -> %s; "+
		"repeated transfer under one key paid once; lease released",
		account.Address, formatGAS(funded), formatGAS(poolAfter), formatGAS(userBefore), formatGAS(userAfter))
	return s
}

// waitPoolFunded waits until the pool has topped the account up, which it
// does for newly leased accounts on the next block.
func (t *tour) waitPoolFunded(ctx context.Context, account util.Uint160) (int64, error) {
	deadline := time.Now().Add(max(20*t.env.BlockTime, 20*time.Second))
	for time.Now().Before(deadline) {
		balance, _, err := t.poolBalance(ctx, account)
		if err != nil {
			return 0, err
		}
		if balance > 2*transferDatoshi {
			return balance, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(t.env.BlockTime / 4):
		}
	}
	return 0, fmt.Errorf("pool account %s not funded in time: %w", account.StringLE(), errTimeout)
}

// poolBalance reads an account's GAS and holder from the pool, refreshed
// from the chain.
func (t *tour) poolBalance(ctx context.Context, account util.Uint160) (int64, string, error) {
	balances, err := t.env.Pool.Balances(ctx, true)
	if err != nil {
		return 0, "", err
	}
	for _, b := range balances {
		if b.ScriptHash == account {
			return b.GAS, b.Holder, nil
		}
	}
	return 0, "", errors.New("pool does not list the leased account")
}

func (t *tour) waitTx(ctx context.Context, h util.Uint256) error {
	deadline := time.Now().Add(max(20*t.env.BlockTime, 20*time.Second))
	for time.Now().Before(deadline) {
		if _, err := t.env.Client.GetTransactionHeight(h); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(t.env.BlockTime / 10):
		}
	}
	return fmt.Errorf("transaction %s not included: %w", h.StringLE(), errTimeout)
}

func formatGAS(datoshi int64) string {
	return fmt.Sprintf("%d.%08d", datoshi/100_000_000, datoshi%100_000_000)
}

// gasOf reads an account's GAS balance, in datoshi, from the chain.
func (t *tour) gasOf(account util.Uint160) (int64, error) {
	balance, err := gas.NewReader(t.inv).BalanceOf(account)
	if err != nil {
		return 0, fmt.Errorf("read GAS balance of %s: %w", account.StringLE(), err)
	}
	return balance.Int64(), nil
}
