package accountpool_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/mesh/meshtest"
	"github.com/neo-service-layer/servicelayer/services/accountpool"
	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// testMesh is a dev CA and a resolver for one test, all on loopback.
type testMesh struct {
	ca       *mesh.DevCA
	resolver *mesh.StaticResolver
}

func newTestMesh(t *testing.T) *testMesh {
	t.Helper()
	ca, err := mesh.NewDevCA(t.TempDir())
	require.NoError(t, err)
	resolver, err := mesh.NewStaticResolver(nil)
	require.NoError(t, err)
	return &testMesh{ca: ca, resolver: resolver}
}

// serve runs the pool's endpoints on a mesh server until the test ends.
func (m *testMesh) serve(t *testing.T, p *accountpool.Pool) {
	t.Helper()
	cert, err := m.ca.IssueCert(api.ServiceName)
	require.NoError(t, err)
	meshtest.Serve(t, mesh.ServerConfig{
		Service:     api.ServiceName,
		Certificate: cert,
		Roots:       m.ca.Roots(),
		Endpoints:   p.Endpoints(),
	}, m.resolver)
}

// client returns an account pool client calling as service.
func (m *testMesh) client(t *testing.T, service string) *api.Client {
	t.Helper()
	return api.NewClient(meshtest.Client(t, m.ca, m.resolver, service))
}

func TestMeshLeaseAndRelease(t *testing.T) {
	ctx := context.Background()
	m := newTestMesh(t)
	p := newOfflinePool(t, openDB(t, ""), newClock(), func(c *accountpool.Config) { c.PoolSize = 3 })
	m.serve(t, p)
	vrf, oracle := m.client(t, "vrf"), m.client(t, "oracle")

	l, err := vrf.Lease(ctx, "fulfil fees", 2, time.Minute)
	require.NoError(t, err)
	require.Equal(t, "vrf", l.Holder, "holder is the caller identity")
	require.Len(t, l.Accounts, 2)
	require.Equal(t, time.Minute, l.ExpiresAt.Sub(l.CreatedAt))
	for _, a := range l.Accounts {
		_, err := a.Key()
		require.NoError(t, err, "account %d public key", a.Index)
	}

	_, err = oracle.Lease(ctx, "", 2, 0)
	require.ErrorIs(t, err, api.ErrPoolExhausted)

	err = oracle.Release(ctx, l.ID)
	require.ErrorIs(t, err, api.ErrNotLeaseHolder)
	require.ErrorContains(t, err, "accountpool POST /v1/leases/release", "error names upstream and route")

	require.NoError(t, vrf.Release(ctx, l.ID))
	require.NoError(t, vrf.Release(ctx, l.ID), "second release")
	_, err = oracle.Lease(ctx, "", 2, 0)
	require.NoError(t, err, "released accounts leased again")
}

func TestMeshErrorsKeepTheirCode(t *testing.T) {
	ctx := context.Background()
	m := newTestMesh(t)
	clk := newClock()
	p := newOfflinePool(t, openDB(t, ""), clk, nil)
	m.serve(t, p)
	vrf := m.client(t, "vrf")

	expired, err := vrf.Lease(ctx, "", 1, time.Minute)
	require.NoError(t, err)
	released, err := vrf.Lease(ctx, "", 1, time.Hour)
	require.NoError(t, err)
	require.NoError(t, vrf.Release(ctx, released.ID))
	clk.Add(time.Minute)

	sender := expired.Accounts[0].ScriptHash
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{name: "invalid count", call: func() error {
			_, err := vrf.Lease(ctx, "", 0, 0)
			return err
		}, want: api.ErrInvalidRequest},
		{name: "sign expired lease", call: func() error {
			_, err := vrf.Sign(ctx, expired.ID, p.Magic(), unsignedTx(sender))
			return err
		}, want: api.ErrLeaseExpired},
		{name: "sign released lease", call: func() error {
			_, err := vrf.Sign(ctx, released.ID, p.Magic(), unsignedTx(released.Accounts[0].ScriptHash))
			return err
		}, want: api.ErrLeaseReleased},
		{name: "sign unknown lease", call: func() error {
			_, err := vrf.Sign(ctx, "nope", p.Magic(), unsignedTx(sender))
			return err
		}, want: api.ErrLeaseNotFound},
		{name: "sign for other network", call: func() error {
			_, err := vrf.Sign(ctx, expired.ID, p.Magic()+1, unsignedTx(sender))
			return err
		}, want: api.ErrWrongNetwork},
		{name: "transfer expired lease", call: func() error {
			_, err := vrf.Transfer(ctx, "pay-1", api.TransferRequest{
				LeaseID: expired.ID, To: util.Uint160{1}, Asset: api.AssetGAS, Amount: 1,
			})
			return err
		}, want: api.ErrLeaseExpired},
		{name: "transfer unknown asset", call: func() error {
			_, err := vrf.Transfer(ctx, "pay-2", api.TransferRequest{
				LeaseID: expired.ID, To: util.Uint160{1}, Asset: "BTC", Amount: 1,
			})
			return err
		}, want: api.ErrInvalidRequest},
		{name: "lease ttl overflow", call: func() error {
			_, err := vrf.Lease(ctx, "", 1, time.Duration(1<<62))
			return err
		}, want: api.ErrInvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.want)
			var me *mesh.Error
			require.True(t, errors.As(err, &me), "error is a *mesh.Error")
			require.Equal(t, api.ServiceName, me.Service, "problem producer")
		})
	}
}

func TestMeshRejectsOtherCallers(t *testing.T) {
	ctx := context.Background()
	m := newTestMesh(t)
	p := newOfflinePool(t, openDB(t, ""), newClock(), nil)
	m.serve(t, p)
	gateway := m.client(t, "gateway")

	_, err := gateway.Lease(ctx, "", 1, 0)
	require.ErrorIs(t, err, mesh.ErrCallerNotAllowed, "gateway may not lease")

	_, err = m.client(t, "vrf").Lease(ctx, "", 1, 0)
	require.NoError(t, err)
	balances, err := gateway.Balances(ctx, false)
	require.NoError(t, err, "gateway may read balances")
	require.Len(t, balances, 1)
	require.Equal(t, "vrf", balances[0].Holder)
	require.Zero(t, balances[0].Height, "balances never read")
}
