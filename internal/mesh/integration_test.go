//go:build integration

package mesh_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// Each test below covers one flaw of the system the mesh replaces, against
// real loopback listeners with real certificates from a dev CA.

var leaseRoute = mesh.Route{Method: "POST", Path: "/v1/lease", Callers: []string{"vrf"}, Idempotent: true}

func leaseEndpoint(runs *counter) mesh.Endpoint {
	return mesh.Handle(leaseRoute, func(_ context.Context, req *mesh.Request, _ struct{}) (echoOut, error) {
		runs.n.Add(1)
		return echoOut{Text: "leased", Caller: req.Caller}, nil
	})
}

func TestNoClientCertificateFailsHandshake(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(runs)})
	noCert := m.rawClient(t, tls.Certificate{})

	req, err := http.NewRequest("POST", "https://"+m.mustAddr(t, "accountpool")+"/v1/lease", nil)
	require.NoError(t, err)
	req.Header.Set("X-Service-ID", "vrf")
	_, err = noCert.Do(req)

	require.Error(t, err)
	require.ErrorContains(t, err, "certificate required")
	require.Equal(t, int64(0), runs.load())
}

func TestCertificateFromAnotherCAFailsHandshake(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(runs)})
	other := newTestMesh(t)

	// A client certificate from another CA is rejected by the server.
	foreign := m.rawClient(t, other.cert(t, "vrf"))
	req, err := http.NewRequest("POST", "https://"+m.mustAddr(t, "accountpool")+"/v1/lease", nil)
	require.NoError(t, err)
	req.Header.Set("X-Service-ID", "vrf")
	_, err = foreign.Do(req)
	require.ErrorContains(t, err, "unknown certificate authority")

	// A server certificate from another CA is rejected by the mesh client,
	// once, without retries.
	other.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(runs)})
	require.NoError(t, m.resolver.Set("accountpool", other.mustAddr(t, "accountpool")))
	err = m.client(t, "vrf").Call(context.Background(), "accountpool", leaseRoute, nil, nil)
	require.ErrorIs(t, err, mesh.ErrUnreachable)
	require.ErrorContains(t, err, "certificate signed by unknown authority")

	require.Equal(t, int64(0), runs.load())
}

func TestCallerAllowedOnlyForAnotherServiceGets403(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(runs)})

	err := m.client(t, "oracle").Call(context.Background(), "accountpool", leaseRoute, nil, nil)

	require.ErrorIs(t, err, mesh.ErrCallerNotAllowed)
	require.Equal(t, http.StatusForbidden, meshError(t, err).Status)
	require.Equal(t, int64(0), runs.load())
}

func TestServiceIDMismatchRejected(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(runs)})
	// The oracle's certificate claims to be the VRF service, which may
	// call the route.
	raw := m.rawClient(t, m.cert(t, "oracle"))

	status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/lease", jsonHeader("vrf"), "")
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, mesh.ErrIdentityMismatch, code)

	status, code, _ = m.rawRequest(t, raw, "accountpool", "POST", "/v1/lease", http.Header{}, "")
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, mesh.ErrServiceIDMissing, code)

	require.Equal(t, int64(0), runs.load())
}

func TestUnsignedCriticalRequestRejected(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})
	raw := m.rawClient(t, m.cert(t, "vrf"))

	status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", jsonHeader("vrf"), `{"text":"tx"}`)

	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, mesh.ErrSignatureMissing, code)
	require.Equal(t, int64(0), runs.load())
}

func TestStaleCriticalRequestRejected(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})
	slowClock := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Now = func() time.Time { return time.Now().Add(-31 * time.Second) }
	})

	err := slowClock.Call(context.Background(), "accountpool", signRoute, echoIn{Text: "tx"}, nil)

	require.ErrorIs(t, err, mesh.ErrSignatureExpired)
	require.Equal(t, int64(0), runs.load())
}

func TestReplayedCriticalRequestRejected(t *testing.T) {
	const body = `{"text":"tx"}`
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})
	m.startServer(t, "secrets", []mesh.Endpoint{mesh.Handle(
		mesh.Route{Method: "POST", Path: "/v1/sign", Callers: []string{"vrf"}, Critical: true},
		func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
			runs.n.Add(100)
			return echoOut{}, nil
		})})
	vrfCert := m.cert(t, "vrf")
	raw := m.rawClient(t, vrfCert)
	sig, err := mesh.SignForTest(vrfCert.PrivateKey.(crypto.Signer), "vrf", "accountpool", signRoute,
		[]byte(body), "", time.Now())
	require.NoError(t, err)
	header := jsonHeader("vrf")
	header.Set(mesh.SignatureHeader, sig)

	status, _, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", header, body)
	require.Equal(t, http.StatusOK, status, "the original request")

	status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", header, body)
	require.Equal(t, http.StatusUnauthorized, status, "the same request again")
	require.Equal(t, mesh.ErrSignatureReplayed, code)

	status, code, _ = m.rawRequest(t, raw, "secrets", "POST", "/v1/sign", header, body)
	require.Equal(t, http.StatusUnauthorized, status, "the same request sent to another service")
	require.Equal(t, mesh.ErrSignatureInvalid, code)

	require.Equal(t, int64(1), runs.load())
}

func TestSlowUpstreamCallerDeadlineFires(t *testing.T) {
	route := mesh.Route{Method: "GET", Path: "/v1/slow", Callers: []string{"vrf"}, Idempotent: true}
	m := newTestMesh(t)
	slow, release := slowEndpoint(route)
	m.startServer(t, "accountpool", []mesh.Endpoint{slow})
	t.Cleanup(release)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	start := time.Now()
	err := m.client(t, "vrf").Call(ctx, "accountpool", route, nil, nil)

	require.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, err, mesh.ErrDeadlineExceeded)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCallWithoutDeadlineStillEnds(t *testing.T) {
	route := mesh.Route{Method: "GET", Path: "/v1/slow", Callers: []string{"vrf"}}
	m := newTestMesh(t)
	slow, release := slowEndpoint(route)
	m.startServer(t, "accountpool", []mesh.Endpoint{slow})
	t.Cleanup(release)
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Timeout = 200 * time.Millisecond
		cfg.MaxTimeout = 400 * time.Millisecond
	})

	start := time.Now()
	err := c.Call(context.Background(), "accountpool", route, nil, nil)
	require.ErrorIs(t, err, mesh.ErrDeadlineExceeded)
	require.Less(t, time.Since(start), time.Second, "the client default bounds a call without a deadline")

	start = time.Now()
	err = c.Call(context.Background(), "accountpool", route, nil, nil, mesh.WithTimeout(time.Hour))
	require.ErrorIs(t, err, mesh.ErrDeadlineExceeded)
	require.Less(t, time.Since(start), time.Second, "MaxTimeout bounds a call that asks for an hour")
}

func TestFailingUpstreamRetriesOnlyIdempotentCalls(t *testing.T) {
	idempotent := mesh.Route{Method: "GET", Path: "/v1/balances", Callers: []string{"vrf"}, Idempotent: true}
	plain := mesh.Route{Method: "POST", Path: "/v1/release", Callers: []string{"vrf"}}
	idempotentRuns, plainRuns := &counter{}, &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{
		failingEndpoint(idempotent, idempotentRuns, http.StatusServiceUnavailable),
		failingEndpoint(plain, plainRuns, http.StatusServiceUnavailable),
	})
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) { cfg.Breaker.Failures = 100 })
	ctx := context.Background()

	require.ErrorIs(t, c.Call(ctx, "accountpool", idempotent, nil, nil), mesh.Code("failing"))
	require.Equal(t, int64(3), idempotentRuns.load(), "an idempotent call is retried")

	require.ErrorIs(t, c.Call(ctx, "accountpool", plain, nil, nil), mesh.Code("failing"))
	require.Equal(t, int64(1), plainRuns.load(), "a non-idempotent call is sent once")

	require.ErrorIs(t, c.Call(ctx, "accountpool", plain, nil, nil, mesh.WithIdempotencyKey("r-1")),
		mesh.Code("failing"))
	require.Equal(t, int64(4), plainRuns.load(), "an Idempotency-Key makes it retryable")
}

func TestFailingUpstreamOpensThenHalfOpensBreaker(t *testing.T) {
	route := mesh.Route{Method: "POST", Path: "/v1/release", Callers: []string{"vrf"}}
	runs := &counter{}
	var healthy sync.Mutex
	failing := true
	handler := func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
		runs.n.Add(1)
		healthy.Lock()
		defer healthy.Unlock()
		if failing {
			return struct{}{}, mesh.NewError(http.StatusServiceUnavailable, mesh.ErrUnavailable, "down")
		}
		return struct{}{}, nil
	}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Breaker = mesh.BreakerPolicy{Failures: 3, OpenTimeout: 300 * time.Millisecond}
	})
	ctx := context.Background()

	for range 3 {
		require.ErrorIs(t, c.Call(ctx, "accountpool", route, nil, nil), mesh.ErrUnavailable)
	}
	require.ErrorIs(t, c.Call(ctx, "accountpool", route, nil, nil), mesh.ErrCircuitOpen)
	require.Equal(t, int64(3), runs.load(), "the open breaker sent nothing")

	time.Sleep(350 * time.Millisecond)
	require.ErrorIs(t, c.Call(ctx, "accountpool", route, nil, nil), mesh.ErrUnavailable, "half-open trial")
	require.ErrorIs(t, c.Call(ctx, "accountpool", route, nil, nil), mesh.ErrCircuitOpen, "a failed trial reopens")
	require.Equal(t, int64(4), runs.load())

	healthy.Lock()
	failing = false
	healthy.Unlock()
	time.Sleep(350 * time.Millisecond)
	require.NoError(t, c.Call(ctx, "accountpool", route, nil, nil), "half-open trial")
	require.NoError(t, c.Call(ctx, "accountpool", route, nil, nil), "closed again")
	require.Equal(t, int64(6), runs.load())
}

func TestDiscoveryResolvesServiceNameFromConfig(t *testing.T) {
	first, second := &counter{}, &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(first)})
	addr := m.mustAddr(t, "accountpool")

	// The client knows only names; addresses come from configuration.
	var addrs map[string]string
	config := fmt.Sprintf(`{"accountpool": %q}`, addr)
	require.NoError(t, json.Unmarshal([]byte(config), &addrs))
	resolver, err := mesh.NewStaticResolver(addrs)
	require.NoError(t, err)
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) { cfg.Resolver = resolver })
	ctx := context.Background()
	require.NoError(t, c.Call(ctx, "accountpool", leaseRoute, nil, nil))
	require.Equal(t, int64(1), first.load())

	// The service moves; the next call follows the new address.
	m.startServer(t, "accountpool", []mesh.Endpoint{leaseEndpoint(second)})
	require.NotEqual(t, addr, m.mustAddr(t, "accountpool"))
	require.NoError(t, resolver.Set("accountpool", m.mustAddr(t, "accountpool")))
	require.NoError(t, c.Call(ctx, "accountpool", leaseRoute, nil, nil))
	require.Equal(t, int64(1), second.load())

	// A template resolver turns the name into a DNS name that the dialer
	// resolves. A service named "localhost" makes that resolvable here.
	hostRoute := mesh.Route{Method: "GET", Path: "/v1/ping", Callers: []string{"vrf"}}
	m.startServer(t, "localhost", []mesh.Endpoint{mesh.Handle(hostRoute, echo)})
	_, port, ok := strings.Cut(m.mustAddr(t, "localhost"), "127.0.0.1:")
	require.True(t, ok)
	template, err := mesh.NewTemplateResolver("%s:" + port)
	require.NoError(t, err)
	dns := m.client(t, "vrf", func(cfg *mesh.ClientConfig) { cfg.Resolver = template })
	var out echoOut
	require.NoError(t, dns.Call(ctx, "localhost", hostRoute, nil, &out))
	require.Equal(t, "vrf", out.Caller)
}

func TestUpstreamErrorKeepsWholeChain(t *testing.T) {
	const errLeaseExpired = mesh.Code("lease_expired")
	signFulfil := mesh.Route{Method: "POST", Path: "/v1/sign", Callers: []string{"vrf"}}
	fulfil := mesh.Route{Method: "POST", Path: "/v1/fulfil", Callers: []string{"gateway"}}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(signFulfil,
		func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
			return struct{}{}, mesh.Errorf(http.StatusGone, errLeaseExpired, "lease %d expired", 7)
		})})
	vrf := m.client(t, "vrf")

	// One hop: the caller sees the upstream's code, route and detail.
	err := vrf.Call(context.Background(), "accountpool", signFulfil, nil, nil)
	err = fmt.Errorf("sign fulfilment of request 42: %w", err)
	require.ErrorIs(t, err, errLeaseExpired)
	want := "sign fulfilment of request 42: accountpool POST /v1/sign: lease_expired (410): lease 7 expired"
	require.EqualError(t, err, want)
	var me *mesh.Error
	require.True(t, errors.As(err, &me))
	require.Equal(t, "accountpool", me.Service)

	// Two hops: a handler that passes the error on names the upstream,
	// route and code in its own problem.
	m.startServer(t, "vrf", []mesh.Endpoint{mesh.Handle(fulfil,
		func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
			return struct{}{}, vrf.Call(ctx, "accountpool", signFulfil, nil, nil)
		})})
	err = m.client(t, "gateway").Call(context.Background(), "vrf", fulfil, nil, nil)
	require.ErrorIs(t, err, mesh.ErrUpstreamFailed)
	require.EqualError(t, err, "vrf POST /v1/fulfil: upstream_failed (424): accountpool POST /v1/sign: lease_expired")
}

func TestIdempotencyKeyDedupReturnsFirstResult(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 50*time.Millisecond)})
	c := m.client(t, "vrf")
	ctx := context.Background()

	var first transferOut
	require.NoError(t, c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 5}, &first,
		mesh.WithIdempotencyKey("fulfil-42")))

	var wg sync.WaitGroup
	repeats := make([]transferOut, 4)
	for i := range repeats {
		wg.Go(func() {
			err := c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 5}, &repeats[i],
				mesh.WithIdempotencyKey("fulfil-42"))
			require.NoError(t, err)
		})
	}
	wg.Wait()

	for _, got := range repeats {
		require.Equal(t, first, got)
	}
	require.Equal(t, int64(1), runs.load())
	err := c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 6}, nil, mesh.WithIdempotencyKey("fulfil-42"))
	require.ErrorIs(t, err, mesh.ErrIdempotencyKeyReused)
}

func TestTraceparentKeptAcrossTwoHops(t *testing.T) {
	seen := make(chan trace.SpanContext, 2)
	record := func(ctx context.Context) { seen <- trace.SpanContextFromContext(ctx) }
	inner := mesh.Route{Method: "GET", Path: "/v1/balances", Callers: []string{"vrf"}}
	outer := mesh.Route{Method: "POST", Path: "/v1/fulfil", Callers: []string{"gateway"}}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(inner,
		func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
			record(ctx)
			return struct{}{}, nil
		})})
	vrf := m.client(t, "vrf")
	m.startServer(t, "vrf", []mesh.Endpoint{mesh.Handle(outer,
		func(ctx context.Context, _ *mesh.Request, _ struct{}) (struct{}, error) {
			record(ctx)
			return struct{}{}, vrf.Call(ctx, "accountpool", inner, nil, nil)
		})})
	parent := testSpanContext(t)

	ctx := trace.ContextWithSpanContext(context.Background(), parent)
	require.NoError(t, m.client(t, "gateway").Call(ctx, "vrf", outer, nil, nil))

	for _, hop := range []string{"vrf", "accountpool"} {
		sc := <-seen
		require.Equal(t, parent.TraceID(), sc.TraceID(), "trace id at %s", hop)
		require.True(t, sc.IsSampled(), "sampled flag at %s", hop)
	}
}
