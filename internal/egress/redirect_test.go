package egress

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// redirectServer redirects /hop/N to /hop/N-1, and /to?u=URL to URL with
// status 302, or 307 when ?s=307. Any other path returns JSON and reports
// the request's method, X-Api-Key and Referer in X-Seen-* headers.
func redirectServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/to":
			status := http.StatusFound
			if r.URL.Query().Get("s") == "307" {
				status = http.StatusTemporaryRedirect
			}
			http.Redirect(w, r, r.URL.Query().Get("u"), status)
		case len(r.URL.Path) > len("/hop/") && r.URL.Path[:5] == "/hop/" && r.URL.Path != "/hop/0":
			n := r.URL.Path[5] - '0'
			http.Redirect(w, r, "/hop/"+string('0'+n-1), http.StatusFound)
		default:
			w.Header().Set("X-Seen-Key", r.Header.Get("X-Api-Key"))
			w.Header().Set("X-Seen-Referer", r.Header.Get("Referer"))
			w.Header().Set("X-Seen-Method", r.Method)
			writeJSON(w, `{"done":true}`)
		}
	})
}

func redirectVia(ts *testServer, target, status string) string {
	q := "?u=" + target
	if status != "" {
		q += "&s=" + status
	}
	return ts.nameURL("/to" + q)
}

func TestClientRedirectLimit(t *testing.T) {
	ts := redirectServer(t)
	tests := []struct {
		name string
		max  int
		path string
		want error
	}{
		{name: "two hops allowed by default", path: "/hop/2"},
		{name: "three hops over default", path: "/hop/3", want: ErrTooManyRedirects},
		{name: "raised limit", max: 3, path: "/hop/3"},
		{name: "no redirects", max: -1, path: "/hop/1", want: ErrTooManyRedirects},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testClient(t, ts, Config{AllowLoopback: true, MaxRedirects: tc.max})
			resp, err := c.Do(context.Background(), get(ts.nameURL(tc.path)))
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, `{"done":true}`, string(resp.Body))
		})
	}
}

func TestClientRedirectToForbidden(t *testing.T) {
	ts := redirectServer(t)
	tests := []struct {
		name   string
		target string
		want   error
	}{
		{name: "metadata literal", target: "https://169.254.169.254/latest/meta-data/", want: ErrForbiddenAddress},
		{name: "name resolving to private", target: "https://internal.example/", want: ErrForbiddenAddress},
		{name: "name resolving to mapped metadata", target: "https://meta.example/", want: ErrForbiddenAddress},
		{name: "decimal loopback", target: "https://2130706433/", want: ErrForbiddenAddress},
		{name: "v6 mapped private", target: "https://[::ffff:10.0.0.1]/", want: ErrForbiddenAddress},
		{name: "downgrade to http", target: "http://example.com/", want: ErrProtocolNotSupported},
		{name: "file scheme", target: "file:///etc/passwd", want: ErrProtocolNotSupported},
		{name: "user info", target: "https://user@example.com/", want: ErrRedirectNotAllowed},
		{name: "numeric last label", target: "https://example.123/", want: ErrRedirectNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, dials := testClient(t, ts, Config{AllowLoopback: true})
			_, err := c.Do(context.Background(), get(redirectVia(ts, tc.target, "")))
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, int32(1), dials.Load(), "only the first hop connects")
		})
	}
}

func TestClientRedirectFirstHopChecked(t *testing.T) {
	// With the development switch off, the first hop to a name that
	// resolves to loopback is rejected before any connection.
	ts := redirectServer(t)
	c, dials := testClient(t, ts, Config{})
	_, err := c.Do(context.Background(), get(redirectVia(ts, "https://example.com/final", "")))
	require.ErrorIs(t, err, ErrForbiddenAddress)
	require.Zero(t, dials.Load())
	require.Zero(t, ts.hits.Load())
}

func TestClientRedirectHeaders(t *testing.T) {
	ts := redirectServer(t)
	c, _ := testClient(t, ts, Config{AllowLoopback: true})
	header := http.Header{"X-Api-Key": {"key-1"}}

	// Same origin: the caller's headers follow; Referer never does,
	// because the previous URL's query may hold secrets.
	req := Request{Method: http.MethodGet, URL: redirectVia(ts, "/final", "") + "&key=q", Header: header}
	resp := lastSeen(t, c, req)
	require.Equal(t, "key-1", resp.Get("X-Seen-Key"))
	require.Empty(t, resp.Get("X-Seen-Referer"))

	// Another origin (same server reached by IP): the caller's headers are
	// dropped.
	req.URL = redirectVia(ts, ts.ipURL("/final"), "")
	resp = lastSeen(t, c, req)
	require.Empty(t, resp.Get("X-Seen-Key"))
	require.Empty(t, resp.Get("X-Seen-Referer"))
}

func TestClientRedirectBody(t *testing.T) {
	ts := redirectServer(t)
	c, _ := testClient(t, ts, Config{AllowLoopback: true})
	post := func(u string) Request {
		return Request{Method: http.MethodPost, URL: u, Body: []byte(`{"k":"v"}`)}
	}

	// 307 keeps the method and body: allowed to the same origin only.
	resp := lastSeen(t, c, post(redirectVia(ts, "/final", "307")))
	require.Equal(t, http.MethodPost, resp.Get("X-Seen-Method"))

	_, err := c.Do(context.Background(), post(redirectVia(ts, ts.ipURL("/final"), "307")))
	require.ErrorIs(t, err, ErrRedirectNotAllowed)

	// 302 turns POST into a GET without a body, which may change origin.
	resp = lastSeen(t, c, post(redirectVia(ts, ts.ipURL("/final"), "")))
	require.Equal(t, http.MethodGet, resp.Get("X-Seen-Method"))
}

// lastSeen sends req with c and returns the headers of the last response,
// in which the final handler reports what it received.
func lastSeen(t *testing.T, c *Client, req Request) http.Header {
	t.Helper()
	var seen http.Header
	prev := c.http.Transport
	c.http.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := prev.RoundTrip(r)
		if err == nil {
			seen = resp.Header
		}
		return resp, err
	})
	defer func() { c.http.Transport = prev }()

	_, err := c.Do(context.Background(), req)
	require.NoError(t, err)
	return seen
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
