package mesh_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestServerIdentityChecks(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)})
	raw := m.rawClient(t, m.cert(t, "vrf"))
	tests := []struct {
		name       string
		header     http.Header
		wantStatus int
		wantCode   mesh.Code
	}{
		{name: "header matches", header: jsonHeader("vrf"), wantStatus: http.StatusOK},
		{
			name:       "header missing",
			header:     http.Header{"Content-Type": {"application/json"}},
			wantStatus: http.StatusForbidden,
			wantCode:   mesh.ErrServiceIDMissing,
		},
		{name: "header names another service", header: jsonHeader("oracle"), wantStatus: http.StatusForbidden,
			wantCode: mesh.ErrIdentityMismatch},
		{
			name:       "header repeated",
			header:     http.Header{"X-Service-Id": {"vrf", "vrf"}, "Content-Type": {"application/json"}},
			wantStatus: http.StatusForbidden,
			wantCode:   mesh.ErrIdentityMismatch,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/echo", tc.header, `{"text":"x"}`)

			require.Equal(t, tc.wantStatus, status)
			require.Equal(t, tc.wantCode, code)
		})
	}
}

func TestServerRequestChecks(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)},
		func(c *mesh.ServerConfig) { c.MaxBodyBytes = 64 })
	raw := m.rawClient(t, m.cert(t, "vrf"))
	tests := []struct {
		name       string
		method     string
		path       string
		header     http.Header
		body       string
		wantStatus int
		wantCode   mesh.Code
	}{
		{name: "unknown path", method: "POST", path: "/v1/nothing", header: jsonHeader("vrf"),
			wantStatus: http.StatusNotFound, wantCode: mesh.ErrRouteNotFound},
		{name: "wrong method", method: "GET", path: "/v1/echo", header: jsonHeader("vrf"),
			wantStatus: http.StatusMethodNotAllowed, wantCode: mesh.ErrMethodNotAllowed},
		{name: "body too large", method: "POST", path: "/v1/echo", header: jsonHeader("vrf"),
			body: `{"text":"` + strings.Repeat("x", 100) + `"}`, wantStatus: http.StatusRequestEntityTooLarge,
			wantCode: mesh.ErrBodyTooLarge},
		{name: "not json", method: "POST", path: "/v1/echo",
			header: http.Header{"X-Service-Id": {"vrf"}, "Content-Type": {"text/plain"}}, body: "hi",
			wantStatus: http.StatusUnsupportedMediaType, wantCode: mesh.ErrUnsupportedMediaType},
		{name: "invalid json", method: "POST", path: "/v1/echo", header: jsonHeader("vrf"), body: `{"text":`,
			wantStatus: http.StatusBadRequest, wantCode: mesh.ErrInvalidBody},
		{name: "trailing data", method: "POST", path: "/v1/echo", header: jsonHeader("vrf"), body: `{} {}`,
			wantStatus: http.StatusBadRequest, wantCode: mesh.ErrInvalidBody},
		{name: "wrong field type", method: "POST", path: "/v1/echo", header: jsonHeader("vrf"), body: `{"text":1}`,
			wantStatus: http.StatusBadRequest, wantCode: mesh.ErrInvalidBody},
		{name: "empty body", method: "POST", path: "/v1/echo", header: http.Header{"X-Service-Id": {"vrf"}},
			wantStatus: http.StatusOK},
		{name: "unknown field ignored", method: "POST", path: "/v1/echo", header: jsonHeader("vrf"),
			body: `{"text":"a","new":1}`, wantStatus: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, code, _ := m.rawRequest(t, raw, "accountpool", tc.method, tc.path, tc.header, tc.body)

			require.Equal(t, tc.wantStatus, status)
			require.Equal(t, tc.wantCode, code)
		})
	}
}

func TestServerCallerNotAllowed(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)})

	err := m.client(t, "oracle").Call(context.Background(), "accountpool", echoRoute, echoIn{}, nil)

	me := meshError(t, err)
	require.Equal(t, http.StatusForbidden, me.Status)
	require.ErrorIs(t, err, mesh.ErrCallerNotAllowed)
	require.Equal(t, "accountpool", me.Service)
}

func TestServerHandlerErrors(t *testing.T) {
	const errLeaseExpired = mesh.Code("lease_expired")
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The handler deadline (100ms) is shorter than the call's (1s), so the
	// server's 504 arrives before the client gives up.
	route := func(path string) mesh.Route {
		return mesh.Route{Method: "POST", Path: path, Callers: []string{"vrf"}, Timeout: 100 * time.Millisecond}
	}
	endpoints := []mesh.Endpoint{
		mesh.Handle(route("/problem"), func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
			return echoOut{}, mesh.Errorf(http.StatusGone, errLeaseExpired, "lease %d expired", 7)
		}),
		mesh.Handle(route("/wrapped"), func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
			return echoOut{}, errors.Join(errors.New("context"), mesh.NewError(http.StatusConflict, "busy", "busy"))
		}),
		mesh.Handle(route("/internal"), func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
			return echoOut{}, errors.New("database password=hunter2 rejected")
		}),
		mesh.Handle(route("/panic"), func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
			panic("boom")
		}),
		mesh.Handle(route("/deadline"), func(ctx context.Context, _ *mesh.Request, _ echoIn) (echoOut, error) {
			<-ctx.Done()
			return echoOut{}, ctx.Err()
		}),
	}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", endpoints, func(c *mesh.ServerConfig) { c.Log = log })
	c := m.client(t, "vrf")
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantCode   mesh.Code
		wantDetail string
	}{
		{name: "typed problem", path: "/problem", wantStatus: http.StatusGone, wantCode: errLeaseExpired,
			wantDetail: "lease 7 expired"},
		{name: "wrapped problem", path: "/wrapped", wantStatus: http.StatusConflict, wantCode: "busy", wantDetail: "busy"},
		{name: "plain error hidden", path: "/internal", wantStatus: http.StatusInternalServerError,
			wantCode: mesh.ErrInternal, wantDetail: "internal error"},
		{name: "panic", path: "/panic", wantStatus: http.StatusInternalServerError, wantCode: mesh.ErrInternal,
			wantDetail: "internal error"},
		{name: "deadline", path: "/deadline", wantStatus: http.StatusGatewayTimeout, wantCode: mesh.ErrTimeout,
			wantDetail: "handler deadline exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Call(context.Background(), "accountpool", route(tc.path), echoIn{}, nil,
				mesh.WithTimeout(time.Second))

			me := meshError(t, err)
			require.Equal(t, tc.wantStatus, me.Status)
			require.Equal(t, tc.wantCode, me.Code)
			require.Equal(t, tc.wantDetail, me.Detail)
		})
	}
	require.Contains(t, logs.String(), "hunter2", "the full internal error reaches the callee's log")
	require.Contains(t, logs.String(), "handler panic: boom")
}

func TestServerHandlerDeadlineFollowsCaller(t *testing.T) {
	route := mesh.Route{Method: "POST", Path: "/v1/deadline", Callers: []string{"vrf"}, Timeout: 30 * time.Second}
	remaining := make(chan time.Duration, 1)
	handler := func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
		deadline, _ := ctx.Deadline()
		remaining <- time.Until(deadline)
		return struct{}{}, nil
	}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})

	err := m.client(t, "vrf").Call(context.Background(), "accountpool", route, nil, nil,
		mesh.WithTimeout(2*time.Second))
	require.NoError(t, err)

	got := <-remaining
	require.Less(t, got, 2*time.Second, "the handler gets the caller's deadline, not the route's 30s")
	require.Greater(t, got, time.Second)
}

func TestServerHealth(t *testing.T) {
	var healthErr error
	m := newTestMesh(t)
	m.startServer(t, "accountpool", nil, func(c *mesh.ServerConfig) {
		c.Health = func(context.Context) error { return healthErr }
	})
	raw := m.rawClient(t, m.cert(t, "oracle"))

	status, _, body := m.rawRequest(t, raw, "accountpool", "GET", mesh.HealthPath, jsonHeader("oracle"), "")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok","service":"accountpool"}`, body)

	healthErr = errors.New("database down")
	status, code, _ := m.rawRequest(t, raw, "accountpool", "GET", mesh.HealthPath, jsonHeader("oracle"), "")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, mesh.ErrUnavailable, code)
}

func TestServerMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)},
		func(c *mesh.ServerConfig) { c.Metrics = reg })
	ctx := context.Background()

	require.NoError(t, m.client(t, "vrf").Call(ctx, "accountpool", echoRoute, echoIn{}, nil))
	require.Error(t, m.client(t, "oracle").Call(ctx, "accountpool", echoRoute, echoIn{}, nil))

	require.Equal(t, 1.0, metricValue(t, reg, "mesh_server_requests_total",
		map[string]string{"service": "accountpool", "route": "POST /v1/echo", "caller": "vrf", "code": "ok"}))
	require.Equal(t, 1.0, metricValue(t, reg, "mesh_server_requests_total",
		map[string]string{"route": "POST /v1/echo", "caller": "oracle", "code": "caller_not_allowed"}))
	require.Equal(t, 1.0, metricValue(t, reg, "mesh_server_errors_total",
		map[string]string{"route": "POST /v1/echo", "code": "caller_not_allowed"}))
	require.Equal(t, 0.0, metricValue(t, reg, "mesh_server_errors_total", map[string]string{"code": "ok"}))
	require.Equal(t, 2.0, metricValue(t, reg, "mesh_server_request_duration_seconds",
		map[string]string{"route": "POST /v1/echo"}), "latency sample count")
}

func TestServerSharesRegistryAcrossServices(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newTestMesh(t)
	for _, service := range []string{"accountpool", "oracle"} {
		m.startServer(t, service, nil, func(c *mesh.ServerConfig) { c.Metrics = reg })
	}

	// The same service again (a restart in one process) reuses its series.
	_, err := mesh.NewServer(mesh.ServerConfig{
		Service: "oracle", Certificate: m.cert(t, "oracle"), Roots: m.ca.Roots(), Metrics: reg,
	})
	require.NoError(t, err)
}
