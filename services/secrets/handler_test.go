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

func TestMeshResolveForOracle(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	m.put(t, ownerA, "api", "sk_live_one")
	m.put(t, ownerA, "api", "sk_live_two")
	m.allow(t, ownerA, "api", contractX)
	oracle := m.client(t, "oracle")

	v, version, err := oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	require.NoError(t, err)
	require.Equal(t, "sk_live_two", string(v.Bytes()), "latest value")
	require.Equal(t, uint64(2), version)

	v, version, err = oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Version: 1, Contract: contractX})
	require.NoError(t, err)
	require.Equal(t, "sk_live_one", string(v.Bytes()), "version 1 value")
	require.Equal(t, uint64(1), version)

	last := m.lastAudit(t)
	require.Equal(t, secrets.ActionResolve, last.Action)
	require.Equal(t, "oracle", last.Caller, "audit caller is the mesh identity")
	require.Equal(t, contractX, last.Contract)
	require.Equal(t, uint64(1), last.Version)
	require.Equal(t, secrets.OutcomeOK, last.Outcome)
}

func TestMeshResolveDenials(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	m.put(t, ownerA, "api", "sk_live_one")
	m.allow(t, ownerA, "api", contractX)
	m.put(t, ownerA, "gone", "sk_live_gone_1")
	m.put(t, ownerA, "gone", "sk_live_gone_2")
	m.allow(t, ownerA, "gone", contractX)
	require.NoError(t, m.svc.DeleteVersion(ctx, ownerA, "gone", 2))
	m.put(t, ownerA, "blocked", "sk_live_blocked")
	m.allow(t, ownerA, "blocked", contractX)
	require.NoError(t, m.svc.Deny(ctx, ownerA, "blocked", secrets.ContractSubject(contractX)))

	tests := []struct {
		name     string
		caller   string
		secret   string
		version  uint64
		contract util.Uint160
		want     mesh.Code
		status   int
		// outcome is the audit outcome, or "" when the mesh rejects the
		// call before the handler runs.
		outcome string
	}{
		{name: "service not on route", caller: "vrf", secret: "api", contract: contractX,
			want: mesh.ErrCallerNotAllowed, status: http.StatusForbidden},
		{name: "owner front not on route", caller: "gateway", secret: "api", contract: contractX,
			want: mesh.ErrCallerNotAllowed, status: http.StatusForbidden},
		{name: "service not on access list", caller: "compute", secret: "api", contract: contractX,
			want: api.ErrDenied, status: http.StatusForbidden, outcome: secrets.OutcomeDenied},
		{name: "contract not on access list", caller: "oracle", secret: "api", contract: contractY,
			want: api.ErrDenied, status: http.StatusForbidden, outcome: secrets.OutcomeDenied},
		{name: "contract explicitly denied", caller: "oracle", secret: "blocked", contract: contractX,
			want: api.ErrDenied, status: http.StatusForbidden, outcome: secrets.OutcomeDenied},
		{name: "unknown secret", caller: "oracle", secret: "nope", contract: contractX,
			want: api.ErrDenied, status: http.StatusForbidden, outcome: secrets.OutcomeDenied},
		{name: "missing version", caller: "oracle", secret: "api", version: 9, contract: contractX,
			want: api.ErrNotFound, status: http.StatusNotFound, outcome: secrets.OutcomeNotFound},
		{name: "latest deleted", caller: "oracle", secret: "gone", contract: contractX,
			want: api.ErrLatestDeleted, status: http.StatusGone, outcome: secrets.OutcomeLatestDeleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(m.audit(t))
			req := api.ResolveRequest{Owner: ownerA, Name: tc.secret, Version: tc.version, Contract: tc.contract}
			v, _, err := m.client(t, tc.caller).Resolve(ctx, req)
			require.ErrorIs(t, err, tc.want)
			require.Zero(t, v.Len(), "no value with an error")
			var me *mesh.Error
			require.True(t, errors.As(err, &me), "error is a *mesh.Error")
			require.Equal(t, tc.status, me.Status)
			require.Equal(t, api.ServiceName, me.Upstream)

			entries := m.audit(t)
			if tc.outcome == "" {
				require.Len(t, entries, before, "a call the mesh rejects is not audited")
				return
			}
			require.Len(t, entries, before+1, "one audit entry per resolve")
			last := entries[len(entries)-1]
			require.Equal(t, tc.caller, last.Caller)
			require.Equal(t, tc.contract, last.Contract)
			require.Equal(t, tc.secret, last.Name)
			require.Equal(t, tc.outcome, last.Outcome)
		})
	}
	require.NoError(t, m.svc.VerifyAudit(ctx))
}

func TestMeshResolveCallerFromCertificate(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	m.put(t, ownerA, "api", "sk_live_one")
	m.allow(t, ownerA, "api", contractX)

	// compute claims to be the oracle in the body; the service must use
	// the certificate's identity and deny it.
	body := map[string]any{
		"owner": ownerA, "name": "api", "contract": contractX,
		"service": "oracle", "caller": "oracle",
	}
	var resp api.ResolveResponse
	err := m.meshClient(t, "compute").Call(ctx, api.ServiceName, api.RouteResolve, body, &resp)
	require.ErrorIs(t, err, api.ErrDenied)
	require.Empty(t, resp.Value)

	last := m.lastAudit(t)
	require.Equal(t, "compute", last.Caller)
	require.Equal(t, secrets.OutcomeDenied, last.Outcome)
}

func TestMeshIdempotencyKeyRejected(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	m.put(t, ownerA, "api", "sk_live_keyed")
	m.allow(t, ownerA, "api", contractX)
	before := len(m.audit(t))

	var resp api.ResolveResponse
	req := api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX}
	err := m.meshClient(t, "oracle").Call(ctx, api.ServiceName, api.RouteResolve, req, &resp,
		mesh.WithIdempotencyKey("resolve-1"))
	require.ErrorIs(t, err, api.ErrIdempotencyKeyNotAllowed)
	require.Empty(t, resp.Value)
	require.Len(t, m.audit(t), before, "rejected before Resolve, so not audited")

	gateway := m.meshClient(t, "gateway")
	put := api.PutRequest{Owner: ownerA, Name: "api", Value: []byte("sk_live_keyed_put")}
	err = gateway.Call(ctx, api.ServiceName, api.RoutePut, put, nil, mesh.WithIdempotencyKey("put-1"))
	require.ErrorIs(t, err, api.ErrIdempotencyKeyNotAllowed)

	// Delete accepts a key, and a repeat replays the first response.
	del := api.DeleteRequest{Owner: ownerA, Name: "api", Version: 1}
	require.NoError(t, gateway.Call(ctx, api.ServiceName, api.RouteDelete, del, nil, mesh.WithIdempotencyKey("del-1")))
	require.NoError(t, gateway.Call(ctx, api.ServiceName, api.RouteDelete, del, nil, mesh.WithIdempotencyKey("del-1")))

	stored := m.store.responses()
	require.Len(t, stored, 3, "two rejections and one delete")
	for _, resp := range stored {
		for _, s := range append(forms([]byte("sk_live_keyed")), forms([]byte("sk_live_keyed_put"))...) {
			require.NotContains(t, string(resp.Body), s)
		}
	}
}
