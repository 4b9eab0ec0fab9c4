package accountpool_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

func TestLeaseGivesDistinctAccounts(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)

	first, err := p.Lease(ctx, "vrf", "fulfil fees", 2, 0)
	require.NoError(t, err)
	second, err := p.Lease(ctx, "oracle", "fulfil fees", 3, time.Minute)
	require.NoError(t, err)

	require.Equal(t, []int64{0, 1}, indexes(first))
	require.Equal(t, []int64{2, 3, 4}, indexes(second))
	require.NotEqual(t, first.ID, second.ID)
	require.Equal(t, first.CreatedAt.Add(accountpool.DefaultLeaseTTL), first.ExpiresAt, "default ttl")
	require.Equal(t, second.CreatedAt.Add(time.Minute), second.ExpiresAt)

	addresses := map[string]bool{}
	for _, a := range append(first.Accounts, second.Accounts...) {
		require.Equal(t, a.PublicKey.Address(), a.Address, "account %d address", a.Index)
		require.Equal(t, a.PublicKey.GetScriptHash(), a.ScriptHash, "account %d script hash", a.Index)
		addresses[a.Address] = true
	}
	require.Len(t, addresses, 5, "distinct addresses")
}

func TestLeaseAccountsAreDeterministic(t *testing.T) {
	ctx := context.Background()
	a, err := newOfflinePool(t, openDB(t, ""), newClock(), nil).Lease(ctx, "vrf", "", 2, 0)
	require.NoError(t, err)
	b, err := newOfflinePool(t, openDB(t, ""), newClock(), nil).Lease(ctx, "vrf", "", 2, 0)
	require.NoError(t, err)
	require.Equal(t, a.Accounts, b.Accounts, "same seed, same accounts")
}

func TestReleaseFreesAccounts(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), func(c *accountpool.Config) {
		c.PoolSize = 2
	})

	l, err := p.Lease(ctx, "vrf", "", 2, 0)
	require.NoError(t, err)
	_, err = p.Lease(ctx, "oracle", "", 1, 0)
	require.ErrorIs(t, err, accountpool.ErrPoolExhausted)

	require.NoError(t, p.Release(ctx, "vrf", l.ID))
	again, err := p.Lease(ctx, "oracle", "", 2, 0)
	require.NoError(t, err)
	require.ElementsMatch(t, indexes(l), indexes(again), "released accounts leased again")
}

func TestReleaseChecksLease(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)
	l, err := p.Lease(ctx, "vrf", "", 1, 0)
	require.NoError(t, err)

	require.ErrorIs(t, p.Release(ctx, "vrf", "no-such-lease"), accountpool.ErrLeaseNotFound)
	require.ErrorIs(t, p.Release(ctx, "oracle", l.ID), accountpool.ErrNotLeaseHolder)
	_, err = p.ActiveLease(ctx, "vrf", l.ID)
	require.NoError(t, err, "a rejected release leaves the lease active")

	require.NoError(t, p.Release(ctx, "vrf", l.ID))
	require.NoError(t, p.Release(ctx, "vrf", l.ID), "second release is a no-op")
	_, err = p.ActiveLease(ctx, "vrf", l.ID)
	require.ErrorIs(t, err, accountpool.ErrLeaseReleased)
}

func TestLeaseExpiresAndSweepFreesAccounts(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	p := newOfflinePool(t, openDB(t, ""), clk, func(c *accountpool.Config) {
		c.PoolSize = 1
		c.MaxLeaseAccounts = 1
	})
	l, err := p.Lease(ctx, "vrf", "", 1, time.Minute)
	require.NoError(t, err)

	clk.Add(time.Minute - time.Millisecond)
	_, err = p.ActiveLease(ctx, "vrf", l.ID)
	require.NoError(t, err, "lease active just before expiry")
	n, err := p.Sweep(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "swept before expiry")

	clk.Add(time.Millisecond)
	_, err = p.ActiveLease(ctx, "vrf", l.ID)
	require.ErrorIs(t, err, accountpool.ErrLeaseExpired, "expired before the sweep")
	_, err = p.Lease(ctx, "oracle", "", 1, 0)
	require.ErrorIs(t, err, accountpool.ErrPoolExhausted, "accounts held until the sweep")

	n, err = p.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "leases swept")
	_, err = p.ActiveLease(ctx, "vrf", l.ID)
	require.ErrorIs(t, err, accountpool.ErrLeaseExpired, "expired after the sweep")
	require.NoError(t, p.Release(ctx, "vrf", l.ID), "release after expiry is a no-op")

	again, err := p.Lease(ctx, "oracle", "", 1, 0)
	require.NoError(t, err)
	require.Equal(t, indexes(l), indexes(again))
}

func TestEndedLeaseCannotSignOrTransfer(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	p := newOfflinePool(t, openDB(t, ""), clk, nil)

	expired, err := p.Lease(ctx, "vrf", "", 1, time.Minute)
	require.NoError(t, err)
	released, err := p.Lease(ctx, "vrf", "", 1, time.Hour)
	require.NoError(t, err)
	active, err := p.Lease(ctx, "vrf", "", 1, time.Hour)
	require.NoError(t, err)
	require.NoError(t, p.Release(ctx, "vrf", released.ID))
	clk.Add(time.Minute)

	tests := []struct {
		name   string
		holder string
		lease  accountpool.Lease
		want   error
	}{
		{name: "expired", holder: "vrf", lease: expired, want: accountpool.ErrLeaseExpired},
		{name: "released", holder: "vrf", lease: released, want: accountpool.ErrLeaseReleased},
		{name: "other holder", holder: "oracle", lease: active, want: accountpool.ErrNotLeaseHolder},
		{name: "unknown", holder: "vrf", lease: accountpool.Lease{ID: "nope", Accounts: active.Accounts},
			want: accountpool.ErrLeaseNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sender := tc.lease.Accounts[0].ScriptHash
			_, err := p.SignTransaction(ctx, tc.holder, tc.lease.ID, unsignedTx(sender))
			require.ErrorIs(t, err, tc.want, "sign")

			_, err = p.Transfer(ctx, tc.holder, accountpool.TransferRequest{
				LeaseID: tc.lease.ID, To: util.Uint160{1}, Asset: accountpool.AssetGAS,
				Amount: 1, IdempotencyKey: "key-" + strings.ReplaceAll(tc.name, " ", "-"),
			})
			require.ErrorIs(t, err, tc.want, "transfer")
		})
	}
}

func TestSignRejectsSenderOutsideLease(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)
	mine, err := p.Lease(ctx, "vrf", "", 1, 0)
	require.NoError(t, err)
	theirs, err := p.Lease(ctx, "oracle", "", 1, 0)
	require.NoError(t, err)

	_, err = p.SignTransaction(ctx, "vrf", mine.ID, unsignedTx(theirs.Accounts[0].ScriptHash))
	require.ErrorIs(t, err, accountpool.ErrNotLeaseAccount)
}

func TestSignRejectsMalformedTransaction(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)
	l, err := p.Lease(ctx, "vrf", "", 1, 0)
	require.NoError(t, err)
	sender := l.Accounts[0].ScriptHash

	tests := []struct {
		name   string
		mutate func(tx *transaction.Transaction)
	}{
		{name: "no signers", mutate: func(tx *transaction.Transaction) { tx.Signers = nil }},
		{name: "negative system fee", mutate: func(tx *transaction.Transaction) { tx.SystemFee = -1 }},
		{name: "negative network fee", mutate: func(tx *transaction.Transaction) { tx.NetworkFee = -1 }},
		{name: "huge fee", mutate: func(tx *transaction.Transaction) { tx.SystemFee = 1 << 62 }},
		{name: "no valid-until block", mutate: func(tx *transaction.Transaction) { tx.ValidUntilBlock = 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := unsignedTx(sender)
			tc.mutate(tx)
			_, err := p.SignTransaction(ctx, "vrf", l.ID, tx)
			require.ErrorIs(t, err, accountpool.ErrInvalidRequest)
		})
	}
	_, err = p.SignTransaction(ctx, "vrf", l.ID, nil)
	require.ErrorIs(t, err, accountpool.ErrInvalidRequest, "nil transaction")
}

func TestLeaseRejectsInvalidRequest(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)

	tests := []struct {
		name    string
		holder  string
		purpose string
		count   int
		ttl     time.Duration
	}{
		{name: "empty holder", holder: "", count: 1},
		{name: "holder with slash", holder: "vrf/x", count: 1},
		{name: "zero count", holder: "vrf", count: 0},
		{name: "count over limit", holder: "vrf", count: accountpool.DefaultMaxLeaseAccounts + 1},
		{name: "ttl too short", holder: "vrf", count: 1, ttl: time.Millisecond},
		{name: "ttl too long", holder: "vrf", count: 1, ttl: accountpool.DefaultMaxLeaseTTL + time.Second},
		{name: "negative ttl", holder: "vrf", count: 1, ttl: -time.Second},
		{name: "long purpose", holder: "vrf", count: 1, purpose: string(make([]byte, 201))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Lease(ctx, tc.holder, tc.purpose, tc.count, tc.ttl)
			require.ErrorIs(t, err, accountpool.ErrInvalidRequest)
		})
	}
}

// TestConcurrentLeasesNeverShareAccounts runs leases from two pools on one
// database file, as two processes would, until the pool is exhausted.
func TestConcurrentLeasesNeverShareAccounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	small := func(c *accountpool.Config) { c.PoolSize, c.MaxHolderAccounts = 40, 40 }
	pools := []*accountpool.Pool{
		newOfflinePool(t, openDB(t, path), newClock(), small),
		newOfflinePool(t, openDB(t, path), newClock(), small),
	}

	const workers, perLease = 25, 2
	var (
		mu        sync.Mutex
		leases    []accountpool.Lease
		exhausted int
		failures  []error
	)
	var done sync.WaitGroup
	for i := range workers {
		done.Go(func() {
			l, err := pools[i%2].Lease(ctx, "vrf", "", perLease, 0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, accountpool.ErrPoolExhausted):
				exhausted++
			case err != nil:
				failures = append(failures, err)
			default:
				leases = append(leases, l)
			}
		})
	}
	done.Wait()

	require.Empty(t, failures, "unexpected lease errors")
	require.Len(t, leases, 20, "leases granted")
	require.Equal(t, 5, exhausted, "leases rejected")
	seen := map[int64]string{}
	for _, l := range leases {
		for _, index := range indexes(l) {
			other, dup := seen[index]
			require.False(t, dup, "account %d in leases %s and %s", index, other, l.ID)
			seen[index] = l.ID
		}
	}
	require.Len(t, seen, 40)
}

func unsignedTx(sender util.Uint160) *transaction.Transaction {
	tx := transaction.New([]byte{0x40}, 100)
	tx.NetworkFee = 100
	tx.ValidUntilBlock = 100
	tx.Signers = []transaction.Signer{{Account: sender, Scopes: transaction.None}}
	tx.Scripts = []transaction.Witness{{}}
	return tx
}

func TestLeaseHolderQuota(t *testing.T) {
	ctx := context.Background()
	p := newOfflinePool(t, openDB(t, ""), newClock(), func(c *accountpool.Config) {
		c.PoolSize, c.MaxHolderAccounts = 10, 4
	})

	first, err := p.Lease(ctx, "mixer", "", 3, 0)
	require.NoError(t, err)
	_, err = p.Lease(ctx, "mixer", "", 2, 0)
	require.ErrorIs(t, err, accountpool.ErrPoolExhausted)
	require.ErrorContains(t, err, "limit of 4")

	// Another holder still gets accounts, and releasing frees the quota.
	_, err = p.Lease(ctx, "vrf", "", 4, 0)
	require.NoError(t, err)
	require.NoError(t, p.Release(ctx, "mixer", first.ID))
	_, err = p.Lease(ctx, "mixer", "", 2, 0)
	require.NoError(t, err)
}
