package mesh_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// testMesh is a dev CA and a resolver shared by the servers and clients of
// one test, all on loopback.
type testMesh struct {
	ca       *mesh.DevCA
	resolver *mesh.StaticResolver
}

func newTestMesh(t testing.TB) *testMesh {
	t.Helper()

	ca, err := mesh.NewDevCA(t.TempDir())
	require.NoError(t, err)
	resolver, err := mesh.NewStaticResolver(nil)
	require.NoError(t, err)

	return &testMesh{ca: ca, resolver: resolver}
}

func (m *testMesh) cert(t testing.TB, service string) tls.Certificate {
	t.Helper()

	cert, err := m.ca.IssueCert(service)
	require.NoError(t, err)

	return cert
}

// startServer runs a server for service until the test ends and records
// its address in the resolver.
func (m *testMesh) startServer(t testing.TB, service string, endpoints []mesh.Endpoint,
	edit ...func(*mesh.ServerConfig),
) *mesh.Server {
	t.Helper()

	cfg := mesh.ServerConfig{
		Service:     service,
		Certificate: m.cert(t, service),
		Roots:       m.ca.Roots(),
		Endpoints:   endpoints,
	}
	for _, e := range edit {
		e(&cfg)
	}
	srv, err := mesh.NewServer(cfg)
	require.NoError(t, err)
	addr, err := srv.Listen()
	require.NoError(t, err)
	require.NoError(t, m.resolver.Set(service, addr.String()))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Error("server did not stop within 15s")
		}
	})

	return srv
}

// client returns a client for service with fast retries, so tests stay
// quick.
func (m *testMesh) client(t testing.TB, service string, edit ...func(*mesh.ClientConfig)) *mesh.Client {
	t.Helper()

	cfg := mesh.ClientConfig{
		Service:     service,
		Certificate: m.cert(t, service),
		Roots:       m.ca.Roots(),
		Resolver:    m.resolver,
		Retry:       mesh.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond},
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := mesh.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	return c
}

// meshError returns err as an *mesh.Error, failing the test otherwise.
func meshError(t *testing.T, err error) *mesh.Error {
	t.Helper()

	var me *mesh.Error
	require.True(t, errors.As(err, &me), "got error %v of type %T, want *mesh.Error", err, err)

	return me
}

type echoIn struct {
	Text string `json:"text"`
}

type echoOut struct {
	Text   string `json:"text"`
	Caller string `json:"caller"`
}

var echoRoute = mesh.Route{Method: "POST", Path: "/v1/echo", Callers: []string{"vrf"}, Idempotent: true}

func echo(_ context.Context, req *mesh.Request, in echoIn) (echoOut, error) {
	return echoOut{Text: in.Text, Caller: req.Caller}, nil
}

// rawClient returns a plain HTTP client presenting cert, for requests the
// mesh client would never send.
func (m *testMesh) rawClient(t *testing.T, cert tls.Certificate) *http.Client {
	t.Helper()

	transport := &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		RootCAs:      m.ca.Roots(),
		ServerName:   "localhost",
	}}
	t.Cleanup(transport.CloseIdleConnections)

	return &http.Client{Transport: transport, Timeout: 10 * time.Second}
}

// rawRequest sends one request to service and returns the status, the
// decoded problem code ("" on success) and the body.
func (m *testMesh) rawRequest(t *testing.T, c *http.Client, service, method, path string, header http.Header,
	body string,
) (int, mesh.Code, string) {
	t.Helper()

	addr, err := m.resolver.Resolve(context.Background(), service)
	require.NoError(t, err)
	req, err := http.NewRequest(method, "https://"+addr+path, strings.NewReader(body))
	require.NoError(t, err)
	for name, values := range header {
		req.Header[name] = values
	}

	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	var p struct {
		Code string `json:"code"`
	}
	if resp.Header.Get("Content-Type") == mesh.ProblemContentType {
		require.NoError(t, json.Unmarshal(raw, &p))
	}

	return resp.StatusCode, mesh.Code(p.Code), string(raw)
}

// jsonHeader returns headers for a JSON body from caller.
func jsonHeader(caller string) http.Header {
	return http.Header{"X-Service-Id": {caller}, "Content-Type": {"application/json"}}
}

// counter counts handler runs.
type counter struct{ n atomic.Int64 }

func (c *counter) load() int64 { return c.n.Load() }

// metricValue sums the samples of the named series whose labels include
// want. For histograms it sums the sample counts.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()

	families, err := reg.Gather()
	require.NoError(t, err)

	var sum float64
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
		for _, metric := range family.GetMetric() {
			if !hasLabels(metric.GetLabel(), want) {
				continue
			}
			switch {
			case metric.Counter != nil:
				sum += metric.GetCounter().GetValue()
			case metric.Gauge != nil:
				sum += metric.GetGauge().GetValue()
			case metric.Histogram != nil:
				sum += float64(metric.GetHistogram().GetSampleCount())
			}
		}
	}

	return sum
}

func hasLabels(labels []*dto.LabelPair, want map[string]string) bool {
	matched := 0
	for _, label := range labels {
		if value, ok := want[label.GetName()]; ok {
			if value != label.GetValue() {
				return false
			}
			matched++
		}
	}

	return matched == len(want)
}

// mustAddr returns the resolver's address for service.
func (m *testMesh) mustAddr(t *testing.T, service string) string {
	t.Helper()

	addr, err := m.resolver.Resolve(context.Background(), service)
	require.NoError(t, err)

	return addr
}

// testSpanContext returns a sampled span context with fixed ids.
func testSpanContext(t *testing.T) trace.SpanContext {
	t.Helper()

	traceID, err := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	require.NoError(t, err)
	spanID, err := trace.SpanIDFromHex("00f067aa0ba902b7")
	require.NoError(t, err)

	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    traceID,
		SpanID:     spanID,
		TraceFlags: trace.FlagsSampled,
	})
}

// slowEndpoint ignores its deadline until release is called, like a stuck
// upstream. Call release before the server stops, or shutdown waits for
// the handler.
func slowEndpoint(route mesh.Route) (ep mesh.Endpoint, release func()) {
	ch := make(chan struct{})
	var once sync.Once
	ep = mesh.Handle(route, func(context.Context, *mesh.Request, struct{}) (struct{}, error) {
		<-ch
		return struct{}{}, nil
	})

	return ep, func() { once.Do(func() { close(ch) }) }
}
