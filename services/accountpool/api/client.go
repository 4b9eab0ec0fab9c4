package api

import (
	"context"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// Client calls the account pool over the mesh. Its errors are *mesh.Error
// values: match the codes of this package with errors.Is. It is safe for
// concurrent use.
type Client struct {
	mesh *mesh.Client
}

// NewClient returns a Client that calls through m, whose identity is the
// lease holder.
func NewClient(m *mesh.Client) *Client {
	return &Client{mesh: m}
}

// Lease takes count accounts for ttl (0: the pool's default). Pass
// mesh.WithIdempotencyKey to make a retry return the same lease instead
// of a second one.
func (c *Client) Lease(ctx context.Context, purpose string, count int, ttl time.Duration,
	opts ...mesh.CallOption,
) (Lease, error) {
	req := LeaseRequest{Purpose: purpose, Count: count, TTLMillis: ttl.Milliseconds()}
	var l Lease
	err := c.mesh.Call(ctx, ServiceName, RouteLease, req, &l, opts...)
	return l, err
}

// Release ends the lease and frees its accounts. Releasing an ended lease
// returns nil.
func (c *Client) Release(ctx context.Context, leaseID string) error {
	return c.mesh.Call(ctx, ServiceName, RouteRelease, ReleaseRequest{LeaseID: leaseID}, nil)
}

// Balances lists every pool account, with balances read from the chain
// now when refresh is set.
func (c *Client) Balances(ctx context.Context, refresh bool) ([]AccountBalance, error) {
	var resp BalancesResponse
	err := c.mesh.Call(ctx, ServiceName, RouteBalances, BalancesRequest{Refresh: refresh}, &resp)
	return resp.Accounts, err
}

// Sign returns the witness of tx's sender, an account of the lease, for
// network. Add it to tx.Scripts at the sender's position, next to the
// witnesses of the other signers.
func (c *Client) Sign(ctx context.Context, leaseID string, network uint32, tx *transaction.Transaction) (
	transaction.Witness, error,
) {
	req, err := NewSignRequest(leaseID, network, tx)
	if err != nil {
		return transaction.Witness{}, err
	}
	var resp SignResponse
	if err := c.mesh.Call(ctx, ServiceName, RouteSign, req, &resp); err != nil {
		return transaction.Witness{}, err
	}
	return resp.Witness(), nil
}

// Transfer sends req under idempotencyKey and returns the transaction
// hash. Repeating the call with the same key and request returns the same
// hash and never pays twice.
func (c *Client) Transfer(ctx context.Context, idempotencyKey string, req TransferRequest) (util.Uint256, error) {
	var resp TransferResponse
	err := c.mesh.Call(ctx, ServiceName, RouteTransfer, req, &resp, mesh.WithIdempotencyKey(idempotencyKey))
	return resp.TxHash, err
}
