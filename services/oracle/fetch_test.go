package oracle

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// loopbackResolver maps example.com to 127.0.0.1, so that no test touches
// real DNS. The tests here reach only loopback even if a check in egress
// broke; egress's own tests cover the other forbidden addresses with a
// dialer that cannot leave loopback.
type loopbackResolver struct{}

func (loopbackResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == "example.com" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// mapSecrets resolves from a map and records the calls it gets.
type mapSecrets struct {
	values map[SecretRef]SecretValue
	err    error
	mu     sync.Mutex
	calls  []string
}

func (m *mapSecrets) ResolveSecret(_ context.Context, owner util.Uint160, ref SecretRef) (SecretValue, error) {
	m.mu.Lock()
	m.calls = append(m.calls, owner.StringLE()+"/"+ref.String())
	m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	v, ok := m.values[ref]
	if !ok {
		return "", ErrSecretDenied
	}
	return v, nil
}

// oracleServer is a loopback TLS API. It records the last request it got.
type oracleServer struct {
	*httptest.Server
	mu   sync.Mutex
	last *http.Request
	body string
}

func newOracleServer(t *testing.T, h http.HandlerFunc) *oracleServer {
	t.Helper()
	s := &oracleServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.last, s.body = r, string(b)
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// url returns https://example.com:port + pathAndQuery.
func (s *oracleServer) url(pathAndQuery string) string {
	u, _ := url.Parse(s.URL)
	return "https://example.com:" + u.Port() + pathAndQuery
}

func (s *oracleServer) lastRequest() (*http.Request, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.body
}

// newTestFetcher returns a Fetcher whose egress client trusts s and, unless
// cfg.AllowLoopback is overridden by strictFetcher, reaches loopback.
func newTestFetcher(t *testing.T, s *oracleServer, cfg egress.Config, log *slog.Logger) *Fetcher {
	t.Helper()
	cfg.AllowLoopback = true
	return buildFetcher(t, s, cfg, log)
}

// strictFetcher returns a Fetcher with the production address policy.
func strictFetcher(t *testing.T, s *oracleServer) *Fetcher {
	t.Helper()
	return buildFetcher(t, s, egress.Config{}, nil)
}

func buildFetcher(t *testing.T, s *oracleServer, cfg egress.Config, log *slog.Logger) *Fetcher {
	t.Helper()
	pool := x509.NewCertPool()
	if s != nil {
		pool.AddCert(s.Certificate())
	}
	cfg.RootCAs = pool
	cfg.Resolver = loopbackResolver{}
	client, err := egress.New(cfg)
	require.NoError(t, err)
	f, err := NewFetcher(FetcherDeps{Client: client, Logger: log})
	require.NoError(t, err)
	return f
}

func jsonHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

func payloadFor(fields ...string) []byte {
	return []byte("{" + strings.Join(fields, ",") + "}")
}

func TestFetchFilters(t *testing.T) {
	s := newOracleServer(t, jsonHandler(storeDoc))
	f := newTestFetcher(t, s, egress.Config{}, nil)

	code, out, err := f.Fetch(context.Background(), payloadFor(`"url":"`+s.url("/store")+`"`, `"filter":"$..price"`), nil)
	require.NoError(t, err)
	require.Equal(t, result.Success, code)
	require.Equal(t, `[1.50,12.99,8.95,19.999999999999999999,199]`, string(out))
}

func TestFetchWithoutFilter(t *testing.T) {
	s := newOracleServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "42.1\n")
	})
	f := newTestFetcher(t, s, egress.Config{}, nil)

	code, out, err := f.Fetch(context.Background(), payloadFor(`"url":"`+s.url("/n")+`"`), nil)
	require.NoError(t, err)
	require.Equal(t, result.Success, code)
	require.Equal(t, "42.1\n", string(out))
}

func TestFetchSubstitutesSecrets(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{"ok":true}`))
	f := newTestFetcher(t, s, egress.Config{}, nil)
	secrets := &mapSecrets{values: map[SecretRef]SecretValue{
		{Name: "key"}:               "a b&c=d#e",
		{Name: "token", Version: 3}: "tok-3",
	}}
	payload := payloadFor(
		`"url":"`+s.url("/q?sym=NEO&key={{secret:key}}")+`"`,
		`"method":"POST"`,
		`"headers":{"Authorization":"Bearer {{secret:token@3}}","X-Plain":"p"}`,
		`"body":"key={{secret:key}}"`,
		withOwner(),
	)

	code, out, err := f.Fetch(context.Background(), payload, secrets)
	require.NoError(t, err)
	require.Equal(t, result.Success, code, "reason %s", out)

	req, body := s.lastRequest()
	require.Equal(t, "a b&c=d#e", req.URL.Query().Get("key"))
	require.Equal(t, "NEO", req.URL.Query().Get("sym"))
	require.Equal(t, "Bearer tok-3", req.Header.Get("Authorization"))
	require.Equal(t, "p", req.Header.Get("X-Plain"))
	require.Equal(t, "key=a b&c=d#e", body)
	require.Equal(t, []string{testOwner.StringLE() + "/key", testOwner.StringLE() + "/token@3"}, secrets.calls)
}

func TestFetchSecretDenied(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	f := newTestFetcher(t, s, egress.Config{}, nil)
	payload := payloadFor(`"url":"`+s.url("/?k={{secret:missing@2}}")+`"`, withOwner())

	code, out, err := f.Fetch(context.Background(), payload, &mapSecrets{})
	require.NoError(t, err)
	require.Equal(t, result.SecretDenied, code)
	require.Equal(t, "secret denied: missing@2", string(out))

	code, _, err = f.Fetch(context.Background(), payload, nil)
	require.NoError(t, err)
	require.Equal(t, result.SecretDenied, code, "a nil resolver denies")
	last, _ := s.lastRequest()
	require.Nil(t, last, "no request sent")
}

func TestFetchResolverUnavailable(t *testing.T) {
	f := newTestFetcher(t, nil, egress.Config{}, nil)
	payload := payloadFor(`"url":"https://example.com/?k={{secret:k}}"`, withOwner())

	code, out, err := f.Fetch(context.Background(), payload, &mapSecrets{err: errors.New("secrets service unreachable")})
	require.ErrorContains(t, err, "resolve secret k")
	require.Equal(t, result.Error, code)
	require.Nil(t, out)
}

func TestFetchRejectsLineBreakInHeaderSecret(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	f := newTestFetcher(t, s, egress.Config{}, nil)
	secrets := &mapSecrets{values: map[SecretRef]SecretValue{{Name: "t"}: "x\r\nX-Injected: 1"}}
	payload := payloadFor(`"url":"`+s.url("/")+`"`, `"headers":{"X-Token":"{{secret:t}}"}`, withOwner())

	code, out, err := f.Fetch(context.Background(), payload, secrets)
	require.NoError(t, err)
	require.Equal(t, result.PayloadInvalid, code)
	require.Contains(t, string(out), `header "X-Token"`)
	require.NotContains(t, string(out), "Injected")
	last, _ := s.lastRequest()
	require.Nil(t, last, "no request sent")
}

func TestFetchCodes(t *testing.T) {
	s := newOracleServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<p>")
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `"`+strings.Repeat("x", 200)+`"`)
		case "/slow":
			<-r.Context().Done()
		case "/text":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "not json")
		case "/fail":
			w.WriteHeader(http.StatusBadGateway)
		default:
			http.NotFound(w, r)
		}
	})
	f := newTestFetcher(t, s, egress.Config{Timeout: 200 * time.Millisecond, MaxResponseBytes: 100}, nil)

	tests := []struct {
		name    string
		payload []byte
		code    result.Code
		reason  string
	}{
		{name: "payload", payload: []byte(`{"url":5}`), code: result.PayloadInvalid, reason: `invalid oracle payload: "url" must be a string`},
		{name: "bad filter", payload: payloadFor(`"url":"`+s.url("/")+`"`, `"filter":"$["`), code: result.FilterError},
		{name: "numeric host", payload: payloadFor(`"url":"https://2130706433/"`), code: result.Forbidden, reason: "forbidden address"},
		{name: "http", payload: payloadFor(`"url":"http://example.com/"`), code: result.ProtocolNotSupported},
		{name: "not found", payload: payloadFor(`"url":"` + s.url("/nothing") + `"`), code: result.NotFound, reason: "not found"},
		{name: "server error", payload: payloadFor(`"url":"` + s.url("/fail") + `"`), code: result.Error, reason: "HTTP status 502"},
		{name: "content type", payload: payloadFor(`"url":"` + s.url("/html") + `"`), code: result.ContentTypeNotSupported},
		{name: "too large", payload: payloadFor(`"url":"` + s.url("/big") + `"`), code: result.ResponseTooLarge},
		{name: "timeout", payload: payloadFor(`"url":"` + s.url("/slow") + `"`), code: result.Timeout, reason: "timeout"},
		{name: "filter on text", payload: payloadFor(`"url":"`+s.url("/text")+`"`, `"filter":"$.a"`), code: result.FilterError},
		{name: "unknown host", payload: payloadFor(`"url":"https://nowhere.example/"`), code: result.Error, reason: "network error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, err := f.Fetch(context.Background(), tc.payload, nil)
			require.NoError(t, err)
			require.Equal(t, tc.code, code, "reason %s", out)
			if tc.reason != "" {
				require.Equal(t, tc.reason, string(out))
			}
		})
	}
}

func TestFetchForbidsLoopbackByDefault(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	f := strictFetcher(t, s)
	u, err := url.Parse(s.URL)
	require.NoError(t, err)

	for _, target := range []string{s.url("/"), "https://127.0.0.1:" + u.Port() + "/", "https://[::1]:" + u.Port() + "/"} {
		code, out, err := f.Fetch(context.Background(), payloadFor(`"url":"`+target+`"`), nil)
		require.NoError(t, err)
		require.Equal(t, result.Forbidden, code, target)
		require.Equal(t, "forbidden address", string(out))
	}
	last, _ := s.lastRequest()
	require.Nil(t, last, "no request reached the server")
}

func TestFetchResultLimitWithoutFilter(t *testing.T) {
	s := newOracleServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, strings.Repeat("x", DefaultMaxResultBytes+1))
	})
	f := newTestFetcher(t, s, egress.Config{}, nil)

	code, _, err := f.Fetch(context.Background(), payloadFor(`"url":"`+s.url("/")+`"`), nil)
	require.NoError(t, err)
	require.Equal(t, result.ResponseTooLarge, code)
}

func TestFetchCanceled(t *testing.T) {
	s := newOracleServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	f := newTestFetcher(t, s, egress.Config{}, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	code, out, err := f.Fetch(ctx, payloadFor(`"url":"`+s.url("/")+`"`), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, result.Error, code)
	require.Nil(t, out)
}

func TestFetchKeepsSecretsOutOfLogsAndReasons(t *testing.T) {
	const value = "v3ry-s3cret"
	s := newOracleServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newTestFetcher(t, s, egress.Config{}, log)
	secrets := &mapSecrets{values: map[SecretRef]SecretValue{{Name: "k"}: value}}

	payloads := [][]byte{
		payloadFor(`"url":"`+s.url("/?k={{secret:k}}")+`"`, withOwner()),
		payloadFor(`"url":"https://2130706433/?k={{secret:k}}"`, withOwner()),
		payloadFor(`"url":"`+s.url("/")+`"`, `"method":"POST"`, `"body":"{{secret:k}}"`, withOwner()),
		payloadFor(`"url":"`+s.url("/")+`"`, `"headers":{"X-K":"{{secret:k}}"}`, withOwner()),
	}
	for _, p := range payloads {
		code, out, err := f.Fetch(context.Background(), p, secrets)
		require.NoError(t, err)
		require.NotEqual(t, result.Success, code)
		require.NotContains(t, string(out), value)
	}
	require.Contains(t, logs.String(), "oracle request failed")
	require.NotContains(t, logs.String(), value)
}

func TestNewFetcherNeedsClient(t *testing.T) {
	_, err := NewFetcher(FetcherDeps{})
	require.ErrorContains(t, err, "nil egress client")
}
