package mesh_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// failingEndpoint counts runs and fails each with status.
func failingEndpoint(route mesh.Route, runs *counter, status int) mesh.Endpoint {
	return mesh.Handle(route, func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
		runs.n.Add(1)
		return struct{}{}, mesh.NewError(status, "failing", "always fails")
	})
}

func TestCallEcho(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)})
	c := m.client(t, "vrf")

	var out echoOut
	err := c.Call(context.Background(), "accountpool", echoRoute, echoIn{Text: "hi"}, &out)
	require.NoError(t, err)
	require.Equal(t, echoOut{Text: "hi", Caller: "vrf"}, out)
}

func TestClientRetries(t *testing.T) {
	base := mesh.Route{Method: "POST", Callers: []string{"vrf"}}
	tests := []struct {
		name       string
		idempotent bool
		key        string
		status     int
		wantRuns   int64
	}{
		{name: "idempotent 503", idempotent: true, status: http.StatusServiceUnavailable, wantRuns: 3},
		{name: "idempotent 502", idempotent: true, status: http.StatusBadGateway, wantRuns: 3},
		{name: "idempotent 429", idempotent: true, status: http.StatusTooManyRequests, wantRuns: 3},
		{name: "key makes it retryable", key: "k-1", status: http.StatusGatewayTimeout, wantRuns: 3},
		{name: "not idempotent", status: http.StatusServiceUnavailable, wantRuns: 1},
		{name: "idempotent 500", idempotent: true, status: http.StatusInternalServerError, wantRuns: 1},
		{name: "idempotent 400", idempotent: true, status: http.StatusBadRequest, wantRuns: 1},
		{name: "idempotent 409", idempotent: true, status: http.StatusConflict, wantRuns: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			route := base
			route.Path = "/v1/fail"
			route.Idempotent = tc.idempotent
			runs := &counter{}
			m := newTestMesh(t)
			m.startServer(t, "accountpool", []mesh.Endpoint{failingEndpoint(route, runs, tc.status)})
			c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) { cfg.Breaker.Failures = 100 })

			var opts []mesh.CallOption
			if tc.key != "" {
				opts = append(opts, mesh.WithIdempotencyKey(tc.key))
			}
			err := c.Call(context.Background(), "accountpool", route, nil, nil, opts...)

			require.ErrorIs(t, err, mesh.Code("failing"))
			require.Equal(t, tc.status, meshError(t, err).Status)
			require.Equal(t, tc.wantRuns, runs.load())
		})
	}
}

func TestClientRetriesUnreachable(t *testing.T) {
	m := newTestMesh(t)
	// Nothing listens on port 1 of loopback.
	require.NoError(t, m.resolver.Set("accountpool", "127.0.0.1:1"))
	reg := prometheus.NewRegistry()
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) { cfg.Metrics = reg })

	err := c.Call(context.Background(), "accountpool", echoRoute, echoIn{}, nil)

	require.ErrorIs(t, err, mesh.ErrUnreachable)
	require.Equal(t, 3.0, metricValue(t, reg, "mesh_client_attempts_total", map[string]string{"upstream": "accountpool"}))
	require.Equal(t, 1.0, metricValue(t, reg, "mesh_client_requests_total",
		map[string]string{"upstream": "accountpool", "route": "POST /v1/echo", "outcome": "unreachable"}))
}

func TestClientBreakerOpensAndHalfOpens(t *testing.T) {
	route := mesh.Route{Method: "GET", Path: "/v1/state", Callers: []string{"vrf"}}
	runs := &counter{}
	var healthy atomic.Bool
	handler := func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
		runs.n.Add(1)
		if healthy.Load() {
			return struct{}{}, nil
		}
		return struct{}{}, mesh.NewError(http.StatusServiceUnavailable, mesh.ErrUnavailable, "down")
	}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})
	reg := prometheus.NewRegistry()
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Metrics = reg
		cfg.Breaker = mesh.BreakerPolicy{Failures: 3, OpenTimeout: 200 * time.Millisecond}
	})
	ctx := context.Background()
	state := func() float64 {
		return metricValue(t, reg, "mesh_client_breaker_state", map[string]string{"upstream": "accountpool"})
	}

	for range 3 {
		require.ErrorIs(t, c.Call(ctx, "accountpool", route, nil, nil), mesh.ErrUnavailable)
	}
	require.Equal(t, int64(3), runs.load())
	require.Equal(t, 2.0, state(), "open")

	err := c.Call(ctx, "accountpool", route, nil, nil)
	require.ErrorIs(t, err, mesh.ErrCircuitOpen)
	require.Equal(t, int64(3), runs.load(), "an open breaker sends nothing")

	healthy.Store(true)
	time.Sleep(250 * time.Millisecond)
	require.NoError(t, c.Call(ctx, "accountpool", route, nil, nil), "the half-open trial call goes through")
	require.Equal(t, int64(4), runs.load())
	require.Equal(t, 0.0, state(), "closed again")
}

func TestClientRejectsWrongUpstreamIdentity(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "oracle", []mesh.Endpoint{failingEndpoint(echoRoute, runs, http.StatusOK)})
	// Discovery points accountpool at the oracle's listener.
	require.NoError(t, m.resolver.Set("accountpool", m.mustAddr(t, "oracle")))

	err := m.client(t, "vrf").Call(context.Background(), "accountpool", echoRoute, echoIn{}, nil)

	require.ErrorIs(t, err, mesh.ErrUnreachable)
	require.ErrorContains(t, err, `certificate names "oracle"`)
	require.Equal(t, int64(0), runs.load())
}

func TestClientDeadline(t *testing.T) {
	route := mesh.Route{Method: "GET", Path: "/v1/slow", Callers: []string{"vrf"}, Idempotent: true}
	m := newTestMesh(t)
	slow, release := slowEndpoint(route)
	m.startServer(t, "accountpool", []mesh.Endpoint{slow})
	t.Cleanup(release)
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Timeout = 100 * time.Millisecond
		cfg.MaxTimeout = 300 * time.Millisecond
		cfg.Breaker.Failures = 100
	})
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		opts []mesh.CallOption
		max  time.Duration
	}{
		{name: "context deadline", ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, max: 250 * time.Millisecond},
		{name: "client default", ctx: func() (context.Context, context.CancelFunc) {
			return context.Background(), func() {}
		}, max: 300 * time.Millisecond},
		{name: "capped option", ctx: func() (context.Context, context.CancelFunc) {
			return context.Background(), func() {}
		}, opts: []mesh.CallOption{mesh.WithTimeout(time.Hour)}, max: 600 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()

			start := time.Now()
			err := c.Call(ctx, "accountpool", route, nil, nil, tc.opts...)

			require.Less(t, time.Since(start), tc.max)
			require.ErrorIs(t, err, mesh.ErrDeadlineExceeded)
			require.ErrorIs(t, err, context.DeadlineExceeded)
		})
	}
}

func TestClientCanceled(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := m.client(t, "vrf").Call(ctx, "accountpool", echoRoute, echoIn{}, nil)

	require.ErrorIs(t, err, mesh.ErrCanceled)
	require.ErrorIs(t, err, context.Canceled)
}

func TestClientUnresolved(t *testing.T) {
	m := newTestMesh(t)

	err := m.client(t, "vrf").Call(context.Background(), "secrets", echoRoute, echoIn{}, nil)

	require.ErrorIs(t, err, mesh.ErrUnresolved)
	require.ErrorIs(t, err, mesh.ErrUnknownService)
}

func TestClientBadResponseBody(t *testing.T) {
	route := mesh.Route{Method: "GET", Path: "/v1/number", Callers: []string{"vrf"}}
	handler := func(context.Context, *mesh.Request, struct{}) (int, error) { return 7, nil }
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})

	var out echoOut
	err := m.client(t, "vrf").Call(context.Background(), "accountpool", route, nil, &out)

	require.ErrorIs(t, err, mesh.ErrBadResponse)
}

func TestClientRejectsBadArguments(t *testing.T) {
	m := newTestMesh(t)
	c := m.client(t, "vrf")
	ctx := context.Background()

	require.ErrorContains(t, c.Call(ctx, "Bad", echoRoute, nil, nil), "invalid service name")
	require.ErrorContains(t, c.Call(ctx, "accountpool", mesh.Route{}, nil, nil), "no method")
	require.ErrorContains(t, c.Call(ctx, "accountpool", echoRoute, nil, nil, mesh.WithIdempotencyKey("a b")),
		"invalid idempotency key")
	require.ErrorContains(t, c.Call(ctx, "accountpool", echoRoute, func() {}, nil), "encode request")
}

func TestUpstreamErrorPassedOn(t *testing.T) {
	const errLeaseExpired = mesh.Code("lease_expired")
	leaseRoute := mesh.Route{Method: "POST", Path: "/v1/lease", Callers: []string{"vrf"}}
	fulfilRoute := mesh.Route{Method: "POST", Path: "/v1/fulfil", Callers: []string{"gateway"}}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(leaseRoute,
		func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
			return struct{}{}, mesh.NewError(http.StatusGone, errLeaseExpired, "lease 7 expired")
		})})
	vrfClient := m.client(t, "vrf")
	m.startServer(t, "vrf", []mesh.Endpoint{mesh.Handle(fulfilRoute,
		func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
			return struct{}{}, vrfClient.Call(ctx, "accountpool", leaseRoute, nil, nil)
		})})

	err := m.client(t, "gateway").Call(context.Background(), "vrf", fulfilRoute, nil, nil)

	me := meshError(t, err)
	require.Equal(t, mesh.ErrUpstreamFailed, me.Code)
	require.Equal(t, http.StatusFailedDependency, me.Status)
	require.Equal(t, "vrf", me.Service)
	require.Equal(t, "accountpool POST /v1/lease: lease_expired", me.Detail)
}

func TestClientInjectsTraceContext(t *testing.T) {
	got := make(chan trace.SpanContext, 1)
	handler := func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
		got <- trace.SpanContextFromContext(ctx)
		return struct{}{}, nil
	}
	route := mesh.Route{Method: "GET", Path: "/v1/trace", Callers: []string{"vrf"}}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})
	parent := testSpanContext(t)

	ctx := trace.ContextWithSpanContext(context.Background(), parent)
	require.NoError(t, m.client(t, "vrf").Call(ctx, "accountpool", route, nil, nil))

	sc := <-got
	require.Equal(t, parent.TraceID(), sc.TraceID())
	require.True(t, sc.IsRemote())
}

func TestClientConfigValidate(t *testing.T) {
	m := newTestMesh(t)
	valid := mesh.ClientConfig{Service: "vrf", Certificate: m.cert(t, "vrf"), Roots: m.ca.Roots(), Resolver: m.resolver}
	tests := []struct {
		name string
		edit func(c *mesh.ClientConfig)
	}{
		{name: "bad service", edit: func(c *mesh.ClientConfig) { c.Service = "" }},
		{name: "no resolver", edit: func(c *mesh.ClientConfig) { c.Resolver = nil }},
		{name: "max over limit", edit: func(c *mesh.ClientConfig) { c.MaxTimeout = 2 * time.Minute }},
		{name: "timeout over max", edit: func(c *mesh.ClientConfig) {
			c.Timeout = 10 * time.Second
			c.MaxTimeout = 5 * time.Second
		}},
		{name: "bad retry", edit: func(c *mesh.ClientConfig) { c.Retry.MaxAttempts = -1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.edit(&cfg)

			_, err := mesh.NewClient(cfg)
			require.ErrorContains(t, err, "invalid mesh client config")
		})
	}
	_, err := mesh.NewClient(valid)
	require.NoError(t, err)
}
