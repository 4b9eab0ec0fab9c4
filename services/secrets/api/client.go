package api

import (
	"context"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// Client calls the Secrets service over the mesh. Its errors are
// *mesh.Error values: match the codes of this package with errors.Is. It
// is safe for concurrent use.
type Client struct {
	mesh *mesh.Client
}

// NewClient returns a Client that calls through m. The identity of m is
// the caller the service checks: a resolver such as "oracle", which must
// also be on each secret's access list, or an owner front such as
// "gateway".
func NewClient(m *mesh.Client) *Client {
	return &Client{mesh: m}
}

// Resolve returns a secret value and the version read, for the contract
// in req. It takes no call options and never sends an Idempotency-Key,
// because the mesh would keep the response with the value. The mesh still
// retries it on transient failures, because the route is idempotent.
func (c *Client) Resolve(ctx context.Context, req ResolveRequest) (Value, uint64, error) {
	var resp ResolveResponse
	if err := c.mesh.Call(ctx, ServiceName, RouteResolve, req, &resp); err != nil {
		return Value{}, 0, err
	}
	return Value{b: resp.Value}, resp.Version, nil
}

// Put stores value as the next version of owner's secret name and returns
// the version. It never sends an Idempotency-Key, so it is not retried.
// The caller may clear value once Put returns.
func (c *Client) Put(ctx context.Context, owner util.Uint160, name string, value []byte) (uint64, error) {
	var resp PutResponse
	err := c.mesh.Call(ctx, ServiceName, RoutePut, PutRequest{Owner: owner, Name: name, Value: value}, &resp)
	return resp.Version, err
}

// List returns owner's secrets sorted by name, with version numbers.
func (c *Client) List(ctx context.Context, owner util.Uint160) ([]Summary, error) {
	var resp ListResponse
	err := c.mesh.Call(ctx, ServiceName, RouteList, ListRequest{Owner: owner}, &resp)
	return resp.Secrets, err
}

// Metadata describes owner's secret name without its values.
func (c *Client) Metadata(ctx context.Context, owner util.Uint160, name string) (Metadata, error) {
	var m Metadata
	err := c.mesh.Call(ctx, ServiceName, RouteMetadata, MetadataRequest{Owner: owner, Name: name}, &m)
	return m, err
}

// Grant allows subject to resolve owner's secret name. A deny rule on the
// same subject still wins.
func (c *Client) Grant(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return c.mesh.Call(ctx, ServiceName, RouteGrant, RuleRequest{Owner: owner, Name: name, Subject: subject}, nil)
}

// Deny forbids subject to resolve owner's secret name, even if granted.
func (c *Client) Deny(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return c.mesh.Call(ctx, ServiceName, RouteDeny, RuleRequest{Owner: owner, Name: name, Subject: subject}, nil)
}

// Revoke removes every grant and deny rule about subject on owner's
// secret name.
func (c *Client) Revoke(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return c.mesh.Call(ctx, ServiceName, RouteRevoke, RuleRequest{Owner: owner, Name: name, Subject: subject}, nil)
}

// DeleteVersion deletes one version of owner's secret name. Pass
// mesh.WithIdempotencyKey to make a retry succeed instead of failing with
// ErrNotFound.
func (c *Client) DeleteVersion(ctx context.Context, owner util.Uint160, name string, version uint64,
	opts ...mesh.CallOption,
) error {
	req := DeleteRequest{Owner: owner, Name: name, Version: version}
	return c.mesh.Call(ctx, ServiceName, RouteDelete, req, nil, opts...)
}

// Delete deletes owner's secret name: every version and its access list.
// Pass mesh.WithIdempotencyKey to make a retry succeed instead of failing
// with ErrNotFound.
func (c *Client) Delete(ctx context.Context, owner util.Uint160, name string, opts ...mesh.CallOption) error {
	req := DeleteRequest{Owner: owner, Name: name, All: true}
	return c.mesh.Call(ctx, ServiceName, RouteDelete, req, nil, opts...)
}
