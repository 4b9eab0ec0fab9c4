package accountpool

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// Endpoints binds the account pool's routes (api.Routes) to p, for a
// mesh.Server. The lease holder of every call is the caller identity the
// mesh verified, never a field of the request.
func (p *Pool) Endpoints() []mesh.Endpoint {
	return []mesh.Endpoint{
		mesh.Handle(api.RouteLease, p.handleLease),
		mesh.Handle(api.RouteRelease, p.handleRelease),
		mesh.Handle(api.RouteBalances, p.handleBalances),
		mesh.Handle(api.RouteSign, p.handleSign),
		mesh.Handle(api.RouteTransfer, p.handleTransfer),
	}
}

func (p *Pool) handleLease(ctx context.Context, req *mesh.Request, in api.LeaseRequest) (api.Lease, error) {
	ttl, err := leaseTTL(in.TTLMillis, p.cfg.MaxLeaseTTL)
	if err != nil {
		return api.Lease{}, problem(err)
	}
	l, err := p.Lease(ctx, req.Caller, in.Purpose, in.Count, ttl)
	if err != nil {
		return api.Lease{}, problem(err)
	}
	return wireLease(l), nil
}

// leaseTTL converts a TTL in milliseconds, rejecting values that would
// overflow a time.Duration.
func leaseTTL(millis int64, maxTTL time.Duration) (time.Duration, error) {
	if millis < 0 || millis > maxTTL.Milliseconds() {
		return 0, fmt.Errorf("%w: ttl %d ms is outside [0, %d]", ErrInvalidRequest, millis, maxTTL.Milliseconds())
	}
	return time.Duration(millis) * time.Millisecond, nil
}

func (p *Pool) handleRelease(ctx context.Context, req *mesh.Request, in api.ReleaseRequest) (api.ReleaseResponse, error) {
	if err := p.Release(ctx, req.Caller, in.LeaseID); err != nil {
		return api.ReleaseResponse{}, problem(err)
	}
	return api.ReleaseResponse{LeaseID: in.LeaseID}, nil
}

func (p *Pool) handleBalances(ctx context.Context, _ *mesh.Request, in api.BalancesRequest) (api.BalancesResponse, error) {
	if in.Refresh {
		if err := p.RefreshBalances(ctx); err != nil {
			return api.BalancesResponse{}, err
		}
	}
	all, err := p.Balances(ctx)
	if err != nil {
		return api.BalancesResponse{}, err
	}

	out := api.BalancesResponse{Accounts: make([]api.AccountBalance, len(all))}
	for i, b := range all {
		out.Accounts[i] = api.AccountBalance{
			Account: wireAccount(b.Account), GAS: b.GAS, NEO: b.NEO, Reserved: b.Reserved,
			Height: b.Height, LeaseID: b.LeaseID, Holder: b.Holder,
		}
	}
	return out, nil
}

func (p *Pool) handleSign(ctx context.Context, req *mesh.Request, in api.SignRequest) (api.SignResponse, error) {
	if in.Network != p.Magic() {
		err := fmt.Errorf("%w: transaction built for network %d, pool signs for %d", ErrWrongNetwork, in.Network, p.Magic())
		return api.SignResponse{}, problem(err)
	}
	tx, err := in.Decode()
	if err != nil {
		return api.SignResponse{}, problem(fmt.Errorf("%w: %w", ErrInvalidRequest, err))
	}

	w, err := p.SignTransaction(ctx, req.Caller, in.LeaseID, tx)
	if err != nil {
		return api.SignResponse{}, problem(err)
	}
	return api.SignResponse{InvocationScript: w.InvocationScript, VerificationScript: w.VerificationScript}, nil
}

func (p *Pool) handleTransfer(ctx context.Context, req *mesh.Request, in api.TransferRequest) (api.TransferResponse, error) {
	treq := transferRequest(in, req.IdempotencyKey)
	h, err := p.Transfer(ctx, req.Caller, treq)
	if err != nil {
		return api.TransferResponse{}, problem(err)
	}
	return api.TransferResponse{TxHash: h}, nil
}

// transferRequest converts a wire request. Transfer checks the result.
func transferRequest(in api.TransferRequest, idempotencyKey string) TransferRequest {
	out := TransferRequest{
		LeaseID:        in.LeaseID,
		To:             in.To,
		Asset:          Asset(in.Asset),
		Amount:         in.Amount,
		IdempotencyKey: idempotencyKey,
	}
	if in.From != nil {
		out.From = *in.From
	}
	return out
}

func wireLease(l Lease) api.Lease {
	out := api.Lease{
		ID: l.ID, Holder: l.Holder, Purpose: l.Purpose,
		Accounts:  make([]api.Account, len(l.Accounts)),
		CreatedAt: l.CreatedAt.UTC(), ExpiresAt: l.ExpiresAt.UTC(),
	}
	for i, a := range l.Accounts {
		out.Accounts[i] = wireAccount(a)
	}
	return out
}

func wireAccount(a Account) api.Account {
	return api.Account{
		Index: a.Index, Address: a.Address, ScriptHash: a.ScriptHash,
		PublicKey: a.PublicKey.StringCompressed(),
	}
}

// problems maps the pool's errors to what crosses the mesh.
var problems = []mesh.ErrorMapping{
	{Err: ErrLeaseNotFound, Status: http.StatusNotFound, Code: api.ErrLeaseNotFound},
	{Err: ErrLeaseExpired, Status: http.StatusGone, Code: api.ErrLeaseExpired},
	{Err: ErrLeaseReleased, Status: http.StatusGone, Code: api.ErrLeaseReleased},
	{Err: ErrNotLeaseHolder, Status: http.StatusForbidden, Code: api.ErrNotLeaseHolder},
	{Err: ErrNotLeaseAccount, Status: http.StatusUnprocessableEntity, Code: api.ErrNotLeaseAccount},
	{Err: ErrInsufficientFunds, Status: http.StatusConflict, Code: api.ErrInsufficientFunds},
	{Err: ErrPoolExhausted, Status: http.StatusConflict, Code: api.ErrPoolExhausted},
	{Err: ErrWrongNetwork, Status: http.StatusConflict, Code: api.ErrWrongNetwork},
	{Err: ErrInvalidRequest, Status: http.StatusBadRequest, Code: api.ErrInvalidRequest},
	{Err: ErrIdempotencyKeyReused, Status: http.StatusUnprocessableEntity, Code: api.ErrIdempotencyKeyReused},
}

// problem turns an error of the pool into a *mesh.Error with a stable
// code, its message as detail and err as the local cause. Messages of
// these errors name leases, accounts and amounts, never keys. Other
// errors pass unchanged and reach the caller as 500 internal.
func problem(err error) error {
	return mesh.MapError(err, problems)
}
