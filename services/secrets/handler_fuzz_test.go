package secrets

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// codes lists every code a handler may send for a bad request.
var codes = []mesh.Code{
	api.ErrNotFound, api.ErrDenied, api.ErrLatestDeleted, api.ErrInvalidName, api.ErrInvalidValue,
	api.ErrInvalidSubject, api.ErrInvalidOwner, api.ErrLimit, api.ErrInvalidRequest,
	api.ErrIdempotencyKeyNotAllowed,
}

// bodyHandler decodes a request body as mesh.Handle does and runs one
// handler. It reports decoded=false for a body the mesh would reject with
// invalid_body before the handler runs.
type bodyHandler func(ctx context.Context, body []byte) (decoded bool, err error)

func bind[In, Out any](route mesh.Route, caller string, fn func(context.Context, *mesh.Request, In) (Out, error)) bodyHandler {
	return func(ctx context.Context, body []byte) (bool, error) {
		var in In
		if len(body) > 0 && json.Unmarshal(body, &in) != nil {
			return false, nil
		}
		_, err := fn(ctx, &mesh.Request{Caller: caller, Route: route}, in)
		return true, err
	}
}

// FuzzRequestBodies sends arbitrary bodies to every handler. Each must
// either succeed or fail with a 4xx problem carrying one of the api
// codes: no body may cause a panic or a 500.
func FuzzRequestBodies(f *testing.F) {
	svc := newFuzzService(f)
	owner, contract := util.Uint160{0xa1, 1}, util.Uint160{0xc1, 3}
	ctx := context.Background()
	_, err := svc.Put(ctx, owner, "api", []byte("sk_fuzz"))
	require.NoError(f, err)
	require.NoError(f, svc.Grant(ctx, owner, "api", ServiceSubject("oracle")))
	require.NoError(f, svc.Grant(ctx, owner, "api", ContractSubject(contract)))

	for _, seed := range fuzzSeeds(f, owner, contract) {
		f.Add(seed)
	}
	handlers := []bodyHandler{
		bind(api.RouteResolve, "oracle", svc.handleResolve),
		bind(api.RouteList, "gateway", svc.handleList),
		bind(api.RouteMetadata, "gateway", svc.handleMetadata),
		bind(api.RouteGrant, "gateway", svc.ruleHandler(svc.Grant)),
		bind(api.RouteDeny, "gateway", svc.ruleHandler(svc.Deny)),
		bind(api.RouteRevoke, "gateway", svc.ruleHandler(svc.Revoke)),
		bind(api.RoutePut, "gateway", svc.handlePut),
		bind(api.RouteDelete, "gateway", svc.handleDelete),
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, handle := range handlers {
			decoded, err := handle(ctx, body)
			if !decoded || err == nil {
				continue
			}
			var me *mesh.Error
			require.True(t, errors.As(err, &me), "handler error %v is not a *mesh.Error", err)
			require.GreaterOrEqual(t, me.Status, 400)
			require.Less(t, me.Status, 500)
			require.True(t, slices.Contains(codes, me.Code), "code %q is not an api code", me.Code)
			require.NotEmpty(t, me.Detail)
		}
	})
}

func fuzzSeeds(f *testing.F, owner, contract util.Uint160) [][]byte {
	f.Helper()
	bodies := []any{
		api.ResolveRequest{Owner: owner, Name: "api", Contract: contract},
		api.ResolveRequest{Owner: owner, Name: "api", Version: 1 << 63, Contract: contract},
		api.PutRequest{Owner: owner, Name: "api", Value: []byte("next")},
		api.RuleRequest{Owner: owner, Name: "api", Subject: api.ServiceSubject("compute")},
		api.RuleRequest{Owner: owner, Name: "api", Subject: api.ContractSubject(contract)},
		api.RuleRequest{Owner: owner, Name: "api", Subject: api.Subject{Service: "x", Contract: &contract}},
		api.DeleteRequest{Owner: owner, Name: "api", Version: 1},
		api.DeleteRequest{Owner: owner, Name: "other", All: true},
		api.MetadataRequest{Owner: owner, Name: "api"},
	}
	seeds := [][]byte{nil, []byte(`{}`), []byte(`null`), []byte(`{"name":"a b","value":""}`)}
	for _, b := range bodies {
		raw, err := json.Marshal(b)
		require.NoError(f, err)
		seeds = append(seeds, raw)
	}
	return seeds
}

func newFuzzService(f *testing.F) *Service {
	f.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(f.TempDir(), "secrets.db")})
	require.NoError(f, err)
	f.Cleanup(func() { require.NoError(f, db.Close()) })
	require.NoError(f, Migrate(ctx, db))

	key, err := GenerateMasterKey(rand.Reader)
	require.NoError(f, err)
	svc, err := New(Config{DB: db, MasterKey: key})
	require.NoError(f, err)
	return svc
}
