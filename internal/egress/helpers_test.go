package egress

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// mapResolver answers from a fixed table so that tests never touch real
// DNS. An unknown name fails like NXDOMAIN.
type mapResolver map[string][]string

func (m mapResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	texts, ok := m[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	addrs := make([]netip.Addr, 0, len(texts))
	for _, s := range texts {
		addrs = append(addrs, netip.MustParseAddr(s))
	}
	return addrs, nil
}

// loopbackOnlyDial connects like net.Dialer but fails the test, without
// connecting, if it is ever asked for an address outside loopback. It
// keeps every test on this machine even if a check in the package is
// broken. It counts its calls in dials.
func loopbackOnlyDial(t *testing.T, dials *atomic.Int32) dialFunc {
	t.Helper()
	var d net.Dialer
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !ap.Addr().Unmap().IsLoopback() {
			t.Errorf("dial to %q: tests may only connect to loopback", address)
			return nil, fmt.Errorf("test dial refused %q", address)
		}
		return d.DialContext(ctx, network, address)
	}
}

// testServer is a loopback TLS server whose certificate is valid for
// example.com and 127.0.0.1, and the URLs that reach it.
type testServer struct {
	*httptest.Server
	port string
	hits atomic.Int32
}

func newTestServer(t *testing.T, h http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(ts.Close)

	u, err := url.Parse(ts.URL)
	require.NoError(t, err)
	ts.port = u.Port()
	return ts
}

// nameURL returns https://example.com:port/path, which the test resolver
// maps to 127.0.0.1.
func (ts *testServer) nameURL(path string) string {
	return "https://example.com:" + ts.port + path
}

// ipURL returns https://127.0.0.1:port/path, another origin on the same
// server.
func (ts *testServer) ipURL(path string) string {
	return "https://127.0.0.1:" + ts.port + path
}

func (ts *testServer) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return pool
}

// testClient builds a Client for ts with the test resolver and the
// loopback-only dialer. It returns the dial counter too.
func testClient(t *testing.T, ts *testServer, cfg Config) (*Client, *atomic.Int32) {
	t.Helper()
	if cfg.Resolver == nil {
		cfg.Resolver = mapResolver{
			"example.com":      {"127.0.0.1"},
			"internal.example": {"10.0.0.5"},
			"mixed.example":    {"127.0.0.1", "10.0.0.5"},
			"meta.example":     {"::ffff:169.254.169.254"},
		}
	}
	if cfg.RootCAs == nil && ts != nil {
		cfg.RootCAs = ts.roots()
	}
	cfg = cfg.withDefaults()
	require.NoError(t, cfg.Validate())

	dials := &atomic.Int32{}
	p := policy{allowHTTP: cfg.AllowHTTP, allowLoopback: cfg.AllowLoopback}
	return newClient(cfg, p, loopbackOnlyDial(t, dials)), dials
}

func get(url string) Request {
	return Request{Method: http.MethodGet, URL: url}
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}
