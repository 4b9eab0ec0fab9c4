package meshrules_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/meshrules"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

func TestRulesMatchRouteTables(t *testing.T) {
	rules, err := meshrules.Rules()
	require.NoError(t, err)

	tables := map[string][]mesh.Route{
		poolapi.ServiceName:    poolapi.Routes(),
		secretsapi.ServiceName: secretsapi.Routes(),
	}
	total := 0
	for service, routes := range tables {
		total += len(routes)
		for _, route := range routes {
			i := slices.IndexFunc(rules, func(r meshrules.Rule) bool {
				return r.Service == service && r.Method == route.Method && r.Path == route.Path
			})
			require.NotEqual(t, -1, i, "no rule for %s %s", service, route.Name())
			require.ElementsMatch(t, route.Callers, rules[i].Callers, "callers of %s", rules[i].Name())
			require.True(t, slices.IsSorted(rules[i].Callers), "callers of %s not sorted", rules[i].Name())
			require.Equal(t, route.Critical, rules[i].Critical, "critical of %s", rules[i].Name())
		}
	}
	require.Len(t, rules, total)
}

func TestCallees(t *testing.T) {
	rules, err := meshrules.Rules()
	require.NoError(t, err)

	tests := []struct {
		caller string
		want   []string
	}{
		{caller: "vrf", want: []string{"accountpool"}},
		{caller: "oracle", want: []string{"accountpool", "secrets"}},
		{caller: "gateway", want: []string{"accountpool", "secrets"}},
		{caller: "accountpool", want: nil},
		{caller: "nobody", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.caller, func(t *testing.T) {
			require.Equal(t, tc.want, meshrules.Callees(rules, tc.caller))
		})
	}
}

func TestDerive(t *testing.T) {
	route := mesh.Route{Method: "POST", Path: "/v1/b", Callers: []string{"vrf", "oracle"}, Critical: true}
	other := mesh.Route{Method: "POST", Path: "/v1/a", Callers: []string{"vrf"}}

	rules, err := meshrules.Derive([]meshrules.Table{
		{Service: "zeta", Routes: []mesh.Route{route}},
		{Service: "alpha", Routes: []mesh.Route{route, other}},
	})
	require.NoError(t, err)
	names := make([]string, 0, len(rules))
	for _, r := range rules {
		names = append(names, r.Name())
	}
	require.Equal(t, []string{"alpha POST /v1/a", "alpha POST /v1/b", "zeta POST /v1/b"}, names)
	require.Equal(t, []string{"oracle", "vrf"}, rules[1].Callers)
	require.Equal(t, []string{"vrf", "oracle"}, route.Callers, "Derive changed the route's callers")
	require.True(t, rules[1].Critical)
}

func TestDeriveRejects(t *testing.T) {
	route := mesh.Route{Method: "POST", Path: "/v1/a", Callers: []string{"vrf"}}
	tests := []struct {
		name    string
		tables  []meshrules.Table
		wantErr string
	}{
		{
			name:    "route twice",
			tables:  []meshrules.Table{{Service: "alpha", Routes: []mesh.Route{route, route}}},
			wantErr: "route alpha POST /v1/a declared twice",
		},
		{
			name:    "invalid service",
			tables:  []meshrules.Table{{Service: "Alpha", Routes: []mesh.Route{route}}},
			wantErr: "invalid service name",
		},
		{
			name:    "route without callers",
			tables:  []meshrules.Table{{Service: "alpha", Routes: []mesh.Route{{Method: "POST", Path: "/v1/a"}}}},
			wantErr: "no allowed callers",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := meshrules.Derive(tc.tables)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	rules, err := meshrules.Rules()
	require.NoError(t, err)

	data, err := meshrules.Encode(rules)
	require.NoError(t, err)
	got, err := meshrules.Decode(data)
	require.NoError(t, err)
	require.Equal(t, rules, got)

	empty, err := meshrules.Encode(nil)
	require.NoError(t, err)
	require.Equal(t, "[]", string(empty))
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{name: "unknown field", data: `[{"service":"a","extra":1}]`, wantErr: "unknown field"},
		{name: "trailing data", data: `[] []`, wantErr: "data after the array"},
		{name: "not an array", data: `{}`, wantErr: "cannot unmarshal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := meshrules.Decode([]byte(tc.data))
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestDiff(t *testing.T) {
	base := meshrules.Rule{Service: "a", Method: "POST", Path: "/x", Callers: []string{"vrf"}}
	edit := func(fn func(r *meshrules.Rule)) []meshrules.Rule {
		r := base
		r.Callers = slices.Clone(base.Callers)
		fn(&r)
		return []meshrules.Rule{r}
	}
	want := []meshrules.Rule{base}
	tests := []struct {
		name    string
		got     []meshrules.Rule
		wantErr string
	}{
		{name: "same", got: edit(func(*meshrules.Rule) {})},
		{name: "missing", got: nil, wantErr: "route a POST /x missing"},
		{name: "extra", got: append(edit(func(*meshrules.Rule) {}), base), wantErr: "unexpected route"},
		{name: "other path", got: edit(func(r *meshrules.Rule) { r.Path = "/y" }), wantErr: "want route a POST /x, got a POST /y"},
		{name: "other callers", got: edit(func(r *meshrules.Rule) { r.Callers = []string{"oracle"} }), wantErr: "want callers [vrf], got [oracle]"},
		{name: "not critical", got: edit(func(r *meshrules.Rule) { r.Critical = true }), wantErr: "want critical false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := meshrules.Diff(want, tc.got)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
