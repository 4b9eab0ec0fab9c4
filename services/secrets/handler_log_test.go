package secrets_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

func TestMeshValuesNeverLogged(t *testing.T) {
	ctx := context.Background()
	m := newMeshFixture(t)
	values := []string{"sk_live_mesh_A7q", "sk_live_mesh_B8r", "sk_live_mesh_C9s"}
	gateway, oracle, compute := m.client(t, "gateway"), m.client(t, "oracle"), m.client(t, "compute")

	// Run allowed and failing calls on both kinds of route, and keep every
	// error and printed response so they can be checked too.
	var seen []string
	keep := func(err error) {
		require.Error(t, err)
		seen = append(seen, err.Error())
	}
	for _, v := range values[:2] {
		_, err := gateway.Put(ctx, ownerA, "api", []byte(v))
		require.NoError(t, err)
	}
	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ServiceSubject("oracle")))
	require.NoError(t, gateway.Grant(ctx, ownerA, "api", api.ContractSubject(contractX)))
	v, _, err := oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	require.NoError(t, err)
	require.Equal(t, values[1], string(v.Bytes()))
	seen = append(seen, fmt.Sprintf("%v %+v %#v %s %x", v, v, v, v, v))
	resp := api.ResolveResponse{Value: v.Bytes(), Version: 2}
	seen = append(seen, fmt.Sprintf("%v %+v %#v %s %x", resp, resp, resp, resp, &resp))

	_, _, err = compute.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	keep(err)
	_, _, err = oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractY})
	keep(err)
	_, err = gateway.Put(ctx, ownerA, "api key", []byte(values[0]))
	keep(err)
	_, _, err = m.client(t, "vrf").Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	keep(err)
	err = m.meshClient(t, "oracle").Call(ctx, api.ServiceName, api.RouteResolve,
		api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX}, nil, mesh.WithIdempotencyKey("k-1"))
	keep(err)

	// A tampered row makes the handler fail with 500, which the mesh logs
	// in full at error level.
	_, err = gateway.Put(ctx, ownerA, "api", []byte(values[2]))
	require.NoError(t, err)
	m.exec(t, "UPDATE secrets_versions SET ciphertext = wrapped_key WHERE version = 3")
	_, _, err = oracle.Resolve(ctx, api.ResolveRequest{Owner: ownerA, Name: "api", Contract: contractX})
	require.ErrorIs(t, err, api.ErrUndecryptable)
	keep(err)

	meshLog := m.meshLog.String()
	require.Contains(t, meshLog, `"msg":"handler failed"`, "the server log is captured")
	require.Contains(t, meshLog, `"msg":"call rejected"`, "rejections are captured")
	require.Contains(t, meshLog, `"msg":"handler returned problem"`, "debug lines are captured")
	require.Contains(t, m.log.String(), `"name":"api"`, "the service log is captured")
	for _, value := range values {
		for _, s := range forms([]byte(value)) {
			require.NotContains(t, meshLog, s, "mesh log")
			require.NotContains(t, m.log.String(), s, "service log")
			for _, text := range seen {
				require.NotContains(t, text, s, "error or printed value")
			}
			for _, stored := range m.store.responses() {
				require.NotContains(t, string(stored.Body), s, "idempotency store")
			}
		}
	}
}
