//go:build integration

package accountpool_test

import (
	"context"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/neo"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

func TestTopUpFundsLeasedAccountOnce(t *testing.T) {
	e := newEnv(t)
	svc := e.service(t, nil)
	p := svc.Pool()
	run(t, svc)

	l, err := p.Lease(context.Background(), "vrf", "fulfil fees", 1, time.Minute)
	require.NoError(t, err)
	acc := l.Accounts[0]

	require.Eventually(t, func() bool {
		return e.gasOf(t, acc.ScriptHash) == accountpool.DefaultTopUpTo
	}, 20*time.Second, 20*time.Millisecond, "account not topped up to %d", accountpool.DefaultTopUpTo)
	require.Eventually(t, func() bool {
		return balanceOf(t, p, acc.Index).GAS == accountpool.DefaultTopUpTo
	}, 10*time.Second, 20*time.Millisecond, "stored balance not refreshed")

	e.waitBlocks(t, 10)
	b := balanceOf(t, p, acc.Index)
	require.Equal(t, accountpool.DefaultTopUpTo, e.gasOf(t, acc.ScriptHash), "topped up more than once")
	require.Equal(t, accountpool.DefaultTopUpTo, b.GAS)
	require.Equal(t, l.ID, b.LeaseID)
	require.Equal(t, "vrf", b.Holder)
	require.Zero(t, b.Reserved)
	require.Greater(t, b.Height, uint32(0))
}

func TestFeeBudget(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.service(t, func(c *accountpool.Config) { c.Treasury = nil })
	p := svc.Pool()
	run(t, svc)

	l, err := p.Lease(ctx, "vrf", "fulfil fees", 1, time.Minute)
	require.NoError(t, err)
	acc := l.Accounts[0]
	require.NoError(t, e.net.Fund(ctx, acc.ScriptHash, 2*accountpool.OneGAS))

	// Over the balance on its own.
	huge := e.unsignedCall(t, acc)
	huge.SystemFee = 3 * accountpool.OneGAS
	_, err = p.SignTransaction(ctx, "vrf", l.ID, huge)
	require.ErrorIs(t, err, accountpool.ErrInsufficientFunds, "fee above balance")

	// Fits, and holds its fees back.
	first := e.unsignedCall(t, acc)
	first.SystemFee = 12 * accountpool.OneGAS / 10
	w, err := p.SignTransaction(ctx, "vrf", l.ID, first)
	require.NoError(t, err)
	require.Equal(t, first.SystemFee+first.NetworkFee, balanceOf(t, p, acc.Index).Reserved)

	// Fits the balance alone, but not next to the first.
	second := e.unsignedCall(t, acc)
	second.SystemFee = 12 * accountpool.OneGAS / 10
	_, err = p.SignTransaction(ctx, "vrf", l.ID, second)
	require.ErrorIs(t, err, accountpool.ErrInsufficientFunds, "fees of two pending transactions")

	// Signing the first again gives the same witness and reserves
	// nothing more.
	again, err := p.SignTransaction(ctx, "vrf", l.ID, first)
	require.NoError(t, err)
	require.Equal(t, w, again, "deterministic signature")
	require.Equal(t, first.SystemFee+first.NetworkFee, balanceOf(t, p, acc.Index).Reserved)

	// Once the first is in a block its reservation goes, and the balance
	// shows the fees it paid.
	first.Scripts[0] = w
	_, err = e.rpc.SendRawTransaction(first)
	require.NoError(t, err)
	e.waitIncluded(t, first.Hash())
	left := 2*accountpool.OneGAS - first.SystemFee - first.NetworkFee
	require.Eventually(t, func() bool {
		b := balanceOf(t, p, acc.Index)
		return b.Reserved == 0 && b.GAS == left
	}, 10*time.Second, 20*time.Millisecond, "reservation not settled after inclusion")

	small := e.unsignedCall(t, acc)
	small.SystemFee = accountpool.OneGAS / 2
	_, err = p.SignTransaction(ctx, "vrf", l.ID, small)
	require.NoError(t, err, "balance after inclusion covers a smaller fee")

	// A transaction never sent is released once its valid-until block
	// passes.
	count, err := e.rpc.GetBlockCount()
	require.NoError(t, err)
	unsent := e.unsignedCall(t, acc)
	unsent.ValidUntilBlock = count + 2
	_, err = p.SignTransaction(ctx, "vrf", l.ID, unsent)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return balanceOf(t, p, acc.Index).Reserved == 0
	}, 10*time.Second, 20*time.Millisecond, "reservations not released after expiry")
}

func TestSignRejectsBadValidUntil(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.service(t, func(c *accountpool.Config) { c.Treasury = nil }).Pool()
	l, err := p.Lease(ctx, "vrf", "", 1, time.Minute)
	require.NoError(t, err)

	count, err := e.rpc.GetBlockCount()
	require.NoError(t, err)
	tests := []struct {
		name       string
		validUntil uint32
	}{
		{name: "already expired", validUntil: count - 1},
		{name: "too far ahead", validUntil: count + 1_000_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := e.unsignedCall(t, l.Accounts[0])
			tx.ValidUntilBlock = tc.validUntil
			_, err := p.SignTransaction(ctx, "vrf", l.ID, tx)
			require.ErrorIs(t, err, accountpool.ErrInvalidRequest)
		})
	}
}

func TestWrongNetworkIsRejected(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.service(t, func(c *accountpool.Config) {
		c.Treasury = nil
		c.Magic = e.net.Magic() + 1
	})
	p := svc.Pool()
	l, err := p.Lease(ctx, "vrf", "", 1, time.Minute)
	require.NoError(t, err)

	_, err = p.SignTransaction(ctx, "vrf", l.ID, unsignedTx(l.Accounts[0].ScriptHash))
	require.ErrorIs(t, err, accountpool.ErrWrongNetwork)

	runCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.ErrorIs(t, svc.Run(runCtx), accountpool.ErrWrongNetwork)
}

func TestTransferIsIdempotentAcrossRestart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	noTopUps := func(c *accountpool.Config) { c.Treasury = nil }
	first := e.service(t, noTopUps)
	stopFirst := run(t, first)

	l, err := first.Pool().Lease(ctx, "mixer", "delivery", 1, time.Hour)
	require.NoError(t, err)
	acc := l.Accounts[0]
	require.NoError(t, e.net.Fund(ctx, acc.ScriptHash, 10*accountpool.OneGAS))

	recipient, err := e.net.Account("recipient")
	require.NoError(t, err)
	req := accountpool.TransferRequest{
		LeaseID:        l.ID,
		To:             recipient.ScriptHash(),
		Asset:          accountpool.AssetGAS,
		Amount:         accountpool.OneGAS,
		IdempotencyKey: "delivery-1",
	}
	h1, err := first.Pool().Transfer(ctx, "mixer", req)
	require.NoError(t, err)
	stopFirst()

	// A new process on the same database returns the same transaction.
	second := e.service(t, noTopUps)
	h2, err := second.Pool().Transfer(ctx, "mixer", req)
	require.NoError(t, err)
	require.Equal(t, h1, h2, "retry after restart")

	run(t, second)
	e.waitIncluded(t, h1)
	h3, err := second.Pool().Transfer(ctx, "mixer", req)
	require.NoError(t, err)
	require.Equal(t, h1, h3, "retry after inclusion")

	changed := req
	changed.Amount = 2 * accountpool.OneGAS
	_, err = second.Pool().Transfer(ctx, "mixer", changed)
	require.ErrorIs(t, err, accountpool.ErrIdempotencyKeyReused)

	_, err = second.Pool().Transfer(ctx, "vrf", req)
	require.ErrorIs(t, err, accountpool.ErrNotLeaseHolder, "same key from another holder")

	e.waitBlocks(t, 5)
	require.Equal(t, accountpool.OneGAS, e.gasOf(t, recipient.ScriptHash()), "recipient paid once")
}

func TestTransferNEO(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.service(t, nil)
	p := svc.Pool()
	run(t, svc)

	l, err := p.Lease(ctx, "mixer", "", 1, time.Hour)
	require.NoError(t, err)
	acc := l.Accounts[0]
	h, vub, err := neo.New(e.net.Committee()).Transfer(e.net.CommitteeHash(), acc.ScriptHash, bigInt(5), nil)
	require.NoError(t, err)
	_, err = e.net.Committee().Wait(ctx, h, vub, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return balanceOf(t, p, acc.Index).GAS > 0
	}, 20*time.Second, 20*time.Millisecond, "account not topped up")

	to := util.Uint160{0xaa}
	txHash, err := p.Transfer(ctx, "mixer", accountpool.TransferRequest{
		LeaseID: l.ID, From: acc.ScriptHash, To: to, Asset: accountpool.AssetNEO, Amount: 2,
		IdempotencyKey: "neo-1",
	})
	require.NoError(t, err)
	e.waitIncluded(t, txHash)

	got, err := neo.NewReader(invokerFor(e)).BalanceOf(to)
	require.NoError(t, err)
	require.Equal(t, int64(2), got.Int64())
	require.Eventually(t, func() bool {
		return balanceOf(t, p, acc.Index).NEO == 3
	}, 10*time.Second, 20*time.Millisecond, "stored NEO balance")
}
