package responder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/config/netmode"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/result"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// PoolBuilder builds Gateway transactions whose fees an AccountPool account
// pays: the leased account is the sender and signs through the pool over
// the mesh, and the service account, whose key is registered on the
// Gateway, adds its own witness with CalledByEntry scope for the Gateway's
// witness check. Transactions rotate over the leased accounts, so several
// can be in flight at once without one account's GAS limiting them.
//
// It leases on first use, leases again when the pool reports the lease
// ended, and renews the lease before it runs out. It is safe for
// concurrent use.
type PoolBuilder struct {
	cfg PoolBuilderConfig

	mu    sync.Mutex // guards lease and next
	lease *poolapi.Lease
	next  int
}

// PoolBuilderConfig configures a PoolBuilder.
type PoolBuilderConfig struct {
	// Gateway is the Gateway contract hash. Required.
	Gateway util.Uint160
	// Magic is the network magic transactions are signed for. Required.
	Magic uint32
	// Service signs for the service key registered on the Gateway.
	// Required.
	Service *wallet.Account
	// Pool leases accounts and signs for them. Required.
	Pool *poolapi.Client
	// RPC runs the test invocation and fee calculation. Required.
	RPC actor.RPCActor
	// Purpose labels the lease in the pool (default "fulfil").
	Purpose string
	// Accounts is how many accounts to lease (default 4).
	Accounts int
	// LeaseTTL is how long a lease lasts (default 10m). The lease is
	// replaced when less than a quarter of it is left.
	LeaseTTL time.Duration
	// MaxSystemFee caps the system fee of one transaction, in datoshi
	// (default DefaultMaxSystemFee); a costlier one is not signed.
	MaxSystemFee int64
	// Log receives lease events (default: discarded).
	Log *slog.Logger
}

var _ FulfilBuilder = (*PoolBuilder)(nil)

// NewPoolBuilder checks cfg and returns a builder. It does not lease yet.
func NewPoolBuilder(cfg PoolBuilderConfig) (*PoolBuilder, error) {
	if cfg.Purpose == "" {
		cfg.Purpose = "fulfil"
	}
	if cfg.Accounts == 0 {
		cfg.Accounts = 4
	}
	if cfg.LeaseTTL == 0 {
		cfg.LeaseTTL = 10 * time.Minute
	}
	if cfg.MaxSystemFee == 0 {
		cfg.MaxSystemFee = DefaultMaxSystemFee
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	switch {
	case cfg.Service == nil || cfg.Pool == nil || cfg.RPC == nil:
		return nil, errors.New("invalid pool builder config: service account, pool and rpc are required")
	case cfg.Accounts < 0 || cfg.LeaseTTL < 0:
		return nil, errors.New("invalid pool builder config: negative accounts or lease ttl")
	}
	return &PoolBuilder{cfg: cfg}, nil
}

// Warm takes the lease now, so the pool can top its accounts up before
// the first request needs them. It retries until it succeeds or ctx ends.
func (b *PoolBuilder) Warm(ctx context.Context) error {
	delay := 100 * time.Millisecond
	for {
		_, _, err := b.account(ctx)
		if err == nil {
			return nil
		}
		b.cfg.Log.Warn("lease accounts at start, will retry", "retry_in", delay, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = min(2*delay, 10*time.Second)
	}
}

// BuildFulfil implements FulfilBuilder.
func (b *PoolBuilder) BuildFulfil(ctx context.Context, id int64, code result.Code, res, sig []byte) (*transaction.Transaction, error) {
	return b.build(ctx, "fulfill", id, int64(code), res, sig)
}

// BuildExpire implements FulfilBuilder.
func (b *PoolBuilder) BuildExpire(ctx context.Context, id int64) (*transaction.Transaction, error) {
	return b.build(ctx, "expire", id)
}

// BuildRedeliver implements FulfilBuilder.
func (b *PoolBuilder) BuildRedeliver(ctx context.Context, id int64) (*transaction.Transaction, error) {
	return b.build(ctx, "redeliver", id)
}

// build makes and signs one Gateway call, leasing again once if the pool
// reports that the lease has ended.
func (b *PoolBuilder) build(ctx context.Context, method string, args ...any) (*transaction.Transaction, error) {
	tx, err := b.buildOnce(ctx, method, args...)
	if errors.Is(err, poolapi.ErrLeaseExpired) || errors.Is(err, poolapi.ErrLeaseNotFound) ||
		errors.Is(err, poolapi.ErrLeaseReleased) {
		b.dropLease()
		tx, err = b.buildOnce(ctx, method, args...)
	}
	if errors.Is(err, poolapi.ErrInsufficientFunds) {
		// The pool tops accounts up every block, so this passes soon.
		err = fmt.Errorf("%w: %w", ErrBusy, err)
	}
	if err != nil {
		return nil, fmt.Errorf("build %s through accountpool: %w", method, err)
	}
	return tx, nil
}

func (b *PoolBuilder) buildOnce(ctx context.Context, method string, args ...any) (*transaction.Transaction, error) {
	lease, account, err := b.account(ctx)
	if err != nil {
		return nil, err
	}
	sender, err := account.SignerAccount(transaction.None)
	if err != nil {
		return nil, err
	}
	service := actor.SignerAccount{
		Signer:  transaction.Signer{Account: b.cfg.Service.ScriptHash(), Scopes: transaction.CalledByEntry},
		Account: b.cfg.Service,
	}
	act, err := actor.New(b.cfg.RPC, []actor.SignerAccount{sender, service})
	if err != nil {
		return nil, fmt.Errorf("make actor: %w", err)
	}

	tx, err := act.MakeUnsignedCall(b.cfg.Gateway, method, nil, args...)
	if err != nil {
		return nil, err
	}
	if err := checkFee(tx.SystemFee, b.cfg.MaxSystemFee); err != nil {
		return nil, err
	}
	witness, err := b.cfg.Pool.Sign(ctx, lease.ID, b.cfg.Magic, tx)
	if err != nil {
		return nil, err
	}
	tx.Scripts = []transaction.Witness{witness}
	if err := b.cfg.Service.SignTx(netmode.Magic(b.cfg.Magic), tx); err != nil {
		return nil, fmt.Errorf("sign as service account: %w", err)
	}
	return tx, nil
}

// account returns the current lease, taking a new one when there is none
// or it is close to its end, and the next of its accounts in turn.
func (b *PoolBuilder) account(ctx context.Context) (poolapi.Lease, poolapi.Account, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.lease == nil || time.Until(b.lease.ExpiresAt) < b.cfg.LeaseTTL/4 {
		lease, err := b.cfg.Pool.Lease(ctx, b.cfg.Purpose, b.cfg.Accounts, b.cfg.LeaseTTL)
		if err != nil {
			return poolapi.Lease{}, poolapi.Account{}, fmt.Errorf("lease accounts: %w", err)
		}
		if len(lease.Accounts) == 0 {
			return poolapi.Lease{}, poolapi.Account{}, errors.New("lease accounts: pool returned an empty lease")
		}
		b.cfg.Log.Info("accounts leased", "lease_id", lease.ID, "accounts", len(lease.Accounts),
			"expires_at", lease.ExpiresAt)
		b.lease = &lease
	}

	account := b.lease.Accounts[b.next%len(b.lease.Accounts)]
	b.next++
	return *b.lease, account, nil
}

func (b *PoolBuilder) dropLease() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lease = nil
}
