package api_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// FuzzWireTypes decodes arbitrary bodies into every request and response
// type. Decoding must not panic, and a decoded value must encode to JSON
// that decodes and encodes to the same bytes again.
func FuzzWireTypes(f *testing.F) {
	owner := `"0x0000000000000000000000000000000000000aa1"`
	f.Add([]byte(`{"owner":` + owner + `,"name":"api","version":2,"contract":` + owner + `}`))
	f.Add([]byte(`{"owner":` + owner + `,"name":"api","value":"c2tfbGl2ZQ=="}`))
	f.Add([]byte(`{"owner":` + owner + `,"name":"api","subject":{"contract":` + owner + `}}`))
	f.Add([]byte(`{"owner":` + owner + `,"name":"api","all":true}`))
	f.Add([]byte(`{"secrets":[{"name":"api","latest":3,"versions":[1,2]}]}`))
	f.Add([]byte(`{"name":"api","acl":{"allowed_contracts":[` + owner + `]},"created_at":"2026-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"value":"c2s=","version":1}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []func() any{
			func() any { return &api.ResolveRequest{} },
			func() any { return &api.ResolveResponse{} },
			func() any { return &api.PutRequest{} },
			func() any { return &api.PutResponse{} },
			func() any { return &api.ListRequest{} },
			func() any { return &api.ListResponse{} },
			func() any { return &api.MetadataRequest{} },
			func() any { return &api.Metadata{} },
			func() any { return &api.RuleRequest{} },
			func() any { return &api.DeleteRequest{} },
		}
		for _, newTarget := range targets {
			v := newTarget()
			if json.Unmarshal(body, v) != nil {
				continue
			}
			first, err := json.Marshal(v)
			require.NoError(t, err)

			again := newTarget()
			require.NoError(t, json.Unmarshal(first, again), "decode %s", first)
			second, err := json.Marshal(again)
			require.NoError(t, err)
			require.Equal(t, string(first), string(second))
		}
	})
}
