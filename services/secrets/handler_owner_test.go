package secrets_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/services/secrets"
	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

func TestMeshOwnerRoutesRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	gateway, oracle := m.client(t, "gateway"), m.client(t, "oracle")

	for i, value := range []string{"v1", "v2", "v3"} {
		version, err := gateway.Put(ctx, ownerA, "api", []byte(value))
		require.NoError(t, err)
		require.Equal(t, uint64(i+1), version)
	}
	_, err := gateway.Put(ctx, ownerA, "db.password", []byte("pw"))
	require.NoError(t, err)

	list, err := gateway.List(ctx, ownerA)
	require.NoError(t, err)
	require.Equal(t, []api.Summary{
		{Name: "api", Latest: 3, Versions: []uint64{1, 2, 3}},
		{Name: "db.password", Latest: 1, Versions: []uint64{1}},
	}, list)

	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ServiceSubject("oracle")))
	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ServiceSubject("compute")))
	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ContractSubject(contractX)))
	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ContractSubject(contractY)))
	require.NoError(t, gateway.Deny(ctx, ownerA, "api", api.ContractSubject(contractY)))
	require.NoError(t, gateway.Revoke(ctx, ownerA, "api", api.ServiceSubject("compute")))
	require.NoError(t, gateway.DeleteVersion(ctx, ownerA, "api", 3))

	md, err := gateway.Metadata(ctx, ownerA, "api")
	require.NoError(t, err)
	require.Equal(t, "api", md.Name)
	require.Equal(t, uint64(3), md.Latest)
	require.True(t, md.LatestDeleted)
	require.Len(t, md.Versions, 2)
	require.Equal(t, uint64(1), md.Versions[0].Version)
	require.Equal(t, uint64(2), md.Versions[1].Version)
	require.False(t, md.Versions[0].CreatedAt.IsZero())
	require.Equal(t, []string{"oracle"}, md.ACL.AllowedServices)
	require.Empty(t, md.ACL.DeniedServices)
	require.ElementsMatch(t, []util.Uint160{contractX, contractY}, md.ACL.AllowedContracts)
	require.Equal(t, []util.Uint160{contractY}, md.ACL.DeniedContracts)
	require.False(t, md.UpdatedAt.Before(md.CreatedAt))

	// The changes made over the mesh decide resolves.
	_, _, err = oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	require.ErrorIs(t, err, api.ErrLatestDeleted)
	v, _, err := oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Version: 2, Contract: contractX})
	require.NoError(t, err)
	require.Equal(t, "v2", string(v.Bytes()))
	_, _, err = oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Version: 2, Contract: contractY})
	require.ErrorIs(t, err, api.ErrDenied, "deny beats grant")

	require.NoError(t, gateway.Delete(ctx, ownerA, "api"))
	list, err = gateway.List(ctx, ownerA)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "db.password", list[0].Name)

	entries := m.audit(t)
	last := entries[len(entries)-1]
	require.Equal(t, secrets.ActionDelete, last.Action)
	require.Equal(t, secrets.CallerOwner, last.Caller)
	require.Equal(t, ownerA, last.Owner)
	require.NoError(t, m.svc.VerifyAudit(ctx))
}

func TestMeshOwnerRouteErrors(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	m.put(t, ownerA, "api", "v1")
	for range secrets.MaxVersions {
		m.put(t, ownerA, "full", "v")
	}
	gateway := m.client(t, "gateway")
	gatewayMesh := m.meshClient(t, "gateway")
	contract := contractX

	tests := []struct {
		name   string
		call   func() error
		want   mesh.Code
		status int
	}{
		{name: "put invalid name", call: func() error {
			_, err := gateway.Put(ctx, ownerA, "api key", []byte("v"))
			return err
		}, want: api.ErrInvalidName, status: http.StatusBadRequest},
		{name: "put empty value", call: func() error {
			_, err := gateway.Put(ctx, ownerA, "api", nil)
			return err
		}, want: api.ErrInvalidValue, status: http.StatusBadRequest},
		{name: "put zero owner", call: func() error {
			_, err := gateway.Put(ctx, util.Uint160{}, "api", []byte("v"))
			return err
		}, want: api.ErrInvalidOwner, status: http.StatusBadRequest},
		{name: "put past version limit", call: func() error {
			_, err := gateway.Put(ctx, ownerA, "full", []byte("v"))
			return err
		}, want: api.ErrLimit, status: http.StatusConflict},
		{name: "list zero owner", call: func() error {
			_, err := gateway.List(ctx, util.Uint160{})
			return err
		}, want: api.ErrInvalidOwner, status: http.StatusBadRequest},
		{name: "metadata unknown secret", call: func() error {
			_, err := gateway.Metadata(ctx, ownerA, "nope")
			return err
		}, want: api.ErrNotFound, status: http.StatusNotFound},
		{name: "metadata of another owner", call: func() error {
			_, err := gateway.Metadata(ctx, ownerB, "api")
			return err
		}, want: api.ErrNotFound, status: http.StatusNotFound},
		{name: "grant invalid service", call: func() error {
			return gateway.Grant(ctx, ownerA, "api", api.ServiceSubject("Oracle!"))
		}, want: api.ErrInvalidSubject, status: http.StatusBadRequest},
		{name: "grant zero contract", call: func() error {
			return gateway.Grant(ctx, ownerA, "api", api.ContractSubject(util.Uint160{}))
		}, want: api.ErrInvalidSubject, status: http.StatusBadRequest},
		{name: "grant empty subject", call: func() error {
			return gateway.Grant(ctx, ownerA, "api", api.Subject{})
		}, want: api.ErrInvalidRequest, status: http.StatusBadRequest},
		{name: "deny two subjects", call: func() error {
			return gateway.Deny(ctx, ownerA, "api", api.Subject{Service: "oracle", Contract: &contract})
		}, want: api.ErrInvalidRequest, status: http.StatusBadRequest},
		{name: "revoke on unknown secret", call: func() error {
			return gateway.Revoke(ctx, ownerA, "nope", api.ServiceSubject("oracle"))
		}, want: api.ErrNotFound, status: http.StatusNotFound},
		{name: "grant zero owner", call: func() error {
			return gateway.Grant(ctx, util.Uint160{}, "api", api.ServiceSubject("oracle"))
		}, want: api.ErrInvalidOwner, status: http.StatusBadRequest},
		{name: "delete version zero", call: func() error {
			return gateway.DeleteVersion(ctx, ownerA, "api", 0)
		}, want: api.ErrInvalidRequest, status: http.StatusBadRequest},
		{name: "delete version and all", call: func() error {
			req := api.DeleteRequest{Owner: ownerA, Name: "api", Version: 1, All: true}
			return gatewayMesh.Call(ctx, api.ServiceName, api.RouteDelete, req, nil)
		}, want: api.ErrInvalidRequest, status: http.StatusBadRequest},
		{name: "delete missing version", call: func() error {
			return gateway.DeleteVersion(ctx, ownerA, "api", 7)
		}, want: api.ErrNotFound, status: http.StatusNotFound},
		{name: "body of wrong shape", call: func() error {
			return gatewayMesh.Call(ctx, api.ServiceName, api.RoutePut, map[string]any{"owner": 5}, nil)
		}, want: mesh.ErrInvalidBody, status: http.StatusBadRequest},
		{name: "resolver on owner route", call: func() error {
			_, err := m.client(t, "oracle").Put(ctx, ownerA, "api", []byte("v"))
			return err
		}, want: mesh.ErrCallerNotAllowed, status: http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.want)
			var me *mesh.Error
			require.True(t, errors.As(err, &me), "error is a *mesh.Error")
			require.Equal(t, tc.status, me.Status)
		})
	}

	list, err := gateway.List(ctx, ownerA)
	require.NoError(t, err)
	require.Equal(t, []uint64{1}, list[0].Versions, "no failed call changed api")
}

func TestMeshOwnerFronts(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	for _, front := range api.OwnerFronts {
		t.Run(front, func(t *testing.T) {
			_, err := m.client(t, front).Put(ctx, ownerB, "from-"+front, []byte("v"))
			require.NoError(t, err)
		})
	}

	list, err := m.client(t, "cli").List(ctx, ownerB)
	require.NoError(t, err)
	require.Len(t, list, len(api.OwnerFronts))
}
