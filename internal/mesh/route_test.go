package mesh_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestRouteValidate(t *testing.T) {
	valid := mesh.Route{Method: "POST", Path: "/v1/lease", Callers: []string{"vrf", "mixer"}}
	tests := []struct {
		name    string
		edit    func(r *mesh.Route)
		wantErr string
	}{
		{name: "valid", edit: func(*mesh.Route) {}},
		{name: "lower-case method", edit: func(r *mesh.Route) { r.Method = "post" }, wantErr: "unsupported method"},
		{name: "relative path", edit: func(r *mesh.Route) { r.Path = "v1/lease" }, wantErr: "path must start"},
		{name: "query in path", edit: func(r *mesh.Route) { r.Path = "/v1/lease?x=1" }, wantErr: "path must start"},
		{name: "pattern in path", edit: func(r *mesh.Route) { r.Path = "/v1/lease/{id}" }, wantErr: "braces"},
		{name: "no callers", edit: func(r *mesh.Route) { r.Callers = nil }, wantErr: "no allowed callers"},
		{name: "invalid caller", edit: func(r *mesh.Route) { r.Callers = []string{"VRF"} }, wantErr: "invalid service name"},
		{name: "caller twice", edit: func(r *mesh.Route) { r.Callers = []string{"vrf", "vrf"} }, wantErr: "listed twice"},
		{name: "negative timeout", edit: func(r *mesh.Route) { r.Timeout = -time.Second }, wantErr: "timeout"},
		{name: "timeout over max", edit: func(r *mesh.Route) { r.Timeout = 2 * time.Minute }, wantErr: "timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := valid
			r.Callers = append([]string(nil), valid.Callers...)
			tc.edit(&r)

			err := r.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestRouteAllows(t *testing.T) {
	r := mesh.Route{Method: "GET", Path: "/v1/balances", Callers: []string{"vrf", "mixer"}}

	require.True(t, r.Allows("vrf"))
	require.True(t, r.Allows("mixer"))
	require.False(t, r.Allows("oracle"))
	require.Equal(t, "GET /v1/balances", r.Name())
}

func TestNewServerRejectsBadTable(t *testing.T) {
	m := newTestMesh(t)
	cert := m.cert(t, "accountpool")
	tests := []struct {
		name      string
		endpoints []mesh.Endpoint
		wantErr   string
	}{
		{
			name:      "duplicate route",
			endpoints: []mesh.Endpoint{mesh.Handle(echoRoute, echo), mesh.Handle(echoRoute, echo)},
			wantErr:   "declared twice",
		},
		{
			name: "reserved health path",
			endpoints: []mesh.Endpoint{
				mesh.Handle(mesh.Route{Method: "GET", Path: mesh.HealthPath, Callers: []string{"vrf"}}, echo),
			},
			wantErr: "reserved",
		},
		{name: "route without handler", endpoints: []mesh.Endpoint{{Route: echoRoute}}, wantErr: "no handler"},
		{
			name:      "invalid route",
			endpoints: []mesh.Endpoint{mesh.Handle(mesh.Route{Method: "POST", Path: "/x"}, echo)},
			wantErr:   "no allowed callers",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mesh.NewServer(mesh.ServerConfig{
				Service:     "accountpool",
				Certificate: cert,
				Roots:       m.ca.Roots(),
				Endpoints:   tc.endpoints,
			})
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
