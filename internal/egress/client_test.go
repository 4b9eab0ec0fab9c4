package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClientFetchesByName(t *testing.T) {
	var serverName, host string
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		serverName, host = r.TLS.ServerName, r.Host
		writeJSON(w, `{"price":"1.25"}`)
	})
	c, dials := testClient(t, ts, Config{AllowLoopback: true})

	resp, err := c.Do(context.Background(), get(ts.nameURL("/price")))
	require.NoError(t, err)
	require.Equal(t, `{"price":"1.25"}`, string(resp.Body))
	require.Equal(t, "application/json", resp.ContentType)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "example.com", serverName, "TLS server name")
	require.Equal(t, "example.com:"+ts.port, host, "Host header")
	require.Equal(t, int32(1), dials.Load())
}

func TestClientPostsBodyAndHeaders(t *testing.T) {
	var gotBody, gotKey, gotUA string
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotKey, gotUA = string(b), r.Header.Get("X-Api-Key"), r.UserAgent()
		writeJSON(w, `{}`)
	})
	c, _ := testClient(t, ts, Config{AllowLoopback: true})

	req := Request{
		Method: http.MethodPost,
		URL:    ts.nameURL("/"),
		Header: http.Header{"X-Api-Key": {"k1"}},
		Body:   []byte(`{"q":1}`),
	}
	_, err := c.Do(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, `{"q":1}`, gotBody)
	require.Equal(t, "k1", gotKey)
	require.Equal(t, DefaultUserAgent, gotUA)
}

func TestClientRejectsLoopbackByDefault(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, `{}`) })
	c, dials := testClient(t, ts, Config{})

	for _, u := range []string{ts.nameURL("/"), ts.ipURL("/"), "https://[::1]:" + ts.port + "/"} {
		_, err := c.Do(context.Background(), get(u))
		require.ErrorIs(t, err, ErrForbiddenAddress, u)
	}
	require.Zero(t, dials.Load(), "dials")
	require.Zero(t, ts.hits.Load(), "server hits")
}

func TestClientRejectsResolvedAddresses(t *testing.T) {
	c, dials := testClient(t, nil, Config{AllowLoopback: true})

	tests := []struct {
		name string
		url  string
		want error
	}{
		{name: "private", url: "https://internal.example/", want: ErrForbiddenAddress},
		{name: "mixed public and private", url: "https://mixed.example/", want: ErrForbiddenAddress},
		{name: "mapped metadata", url: "https://meta.example/", want: ErrForbiddenAddress},
		{name: "unknown name", url: "https://nowhere.example/", want: ErrNetwork},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), get(tc.url))
			require.ErrorIs(t, err, tc.want)
		})
	}
	require.Zero(t, dials.Load(), "dials")
}

func TestClientSizeCap(t *testing.T) {
	const limit = 100
	tests := []struct {
		name    string
		size    int
		chunked bool
		wantErr bool
	}{
		{name: "at cap", size: limit},
		{name: "over cap with length", size: limit + 1, wantErr: true},
		{name: "at cap chunked", size: limit, chunked: true},
		{name: "over cap chunked", size: limit + 1, chunked: true, wantErr: true},
		{name: "far over cap chunked", size: 1 << 20, chunked: true, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				if !tc.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(tc.size))
				}
				_, _ = w.Write([]byte(strings.Repeat("a", tc.size)))
			})
			c, _ := testClient(t, ts, Config{AllowLoopback: true, MaxResponseBytes: limit})

			resp, err := c.Do(context.Background(), get(ts.nameURL("/")))
			if tc.wantErr {
				require.ErrorIs(t, err, ErrTooLarge)
				return
			}
			require.NoError(t, err)
			require.Len(t, resp.Body, tc.size)
		})
	}
}

func TestClientDefaultSizeCap(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(strings.Repeat("a", DefaultMaxResponseBytes+1)))
	})
	c, _ := testClient(t, ts, Config{AllowLoopback: true})
	_, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestClientContentType(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		wantErr     bool
	}{
		{name: "json", contentType: "application/json"},
		{name: "json with charset", contentType: "application/json; charset=utf-8"},
		{name: "upper case", contentType: "APPLICATION/JSON"},
		{name: "text", contentType: "text/plain"},
		{name: "html", contentType: "text/html", wantErr: true},
		{name: "image", contentType: "image/png", wantErr: true},
		{name: "json suffix", contentType: "application/problem+json", wantErr: true},
		{name: "missing", contentType: "", wantErr: true},
		{name: "malformed", contentType: "application/", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				_, _ = w.Write([]byte(`{}`))
			})
			c, _ := testClient(t, ts, Config{AllowLoopback: true})

			_, err := c.Do(context.Background(), get(ts.nameURL("/")))
			if tc.wantErr {
				require.ErrorIs(t, err, ErrContentType)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestClientStatus(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{status: 404, want: ErrNotFound},
		{status: 500, want: ErrHTTPStatus},
		{status: 403, want: ErrHTTPStatus},
		{status: 304, want: ErrHTTPStatus},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
			})
			c, _ := testClient(t, ts, Config{AllowLoopback: true})

			_, err := c.Do(context.Background(), get(ts.nameURL("/")))
			require.ErrorIs(t, err, tc.want)
			var se *StatusError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.status, se.StatusCode)
		})
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c, _ := testClient(t, ts, Config{AllowLoopback: true, Timeout: 100 * time.Millisecond})

	start := time.Now()
	_, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.ErrorIs(t, err, ErrTimeout)
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestClientSlowBodyTimeout(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("start"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	c, _ := testClient(t, ts, Config{AllowLoopback: true, Timeout: 100 * time.Millisecond})

	_, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.ErrorIs(t, err, ErrTimeout)
}

func TestClientConnectTimeout(t *testing.T) {
	cfg := Config{AllowLoopback: true, Resolver: mapResolver{"example.com": {"127.0.0.1"}}}.withDefaults()
	cfg.Timeout = 100 * time.Millisecond
	// A dial that never completes simulates a host that drops SYNs.
	hang := func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	c := newClient(cfg, policy{allowLoopback: true}, hang)

	_, err := c.Do(context.Background(), get("https://example.com/"))
	require.ErrorIs(t, err, ErrTimeout)
}

func TestClientCallerCancel(t *testing.T) {
	ts := newTestServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c, _ := testClient(t, ts, Config{AllowLoopback: true})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, get(ts.nameURL("/")))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, ErrTimeout, "the caller's deadline is not the server's fault")
}

func TestClientHeaderCap(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Filler", strings.Repeat("h", 4096))
		writeJSON(w, `{}`)
	})
	c, _ := testClient(t, ts, Config{AllowLoopback: true, MaxHeaderBytes: 1024})

	_, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.ErrorIs(t, err, ErrNetwork)
}

func TestClientRequestChecks(t *testing.T) {
	c, dials := testClient(t, nil, Config{AllowLoopback: true})
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{name: "put", req: Request{Method: http.MethodPut, URL: "https://example.com/"}, want: ErrInvalidRequest},
		{name: "get with body", req: Request{Method: http.MethodGet, URL: "https://example.com/", Body: []byte("x")}, want: ErrInvalidRequest},
		{name: "http", req: get("http://example.com/"), want: ErrProtocolNotSupported},
		{name: "malformed", req: get("https://exa mple.com/"), want: ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), tc.req)
			require.ErrorIs(t, err, tc.want)
		})
	}
	require.Zero(t, dials.Load())
}

func TestClientIgnoresProxyEnvironment(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, `{}`) })
	c, _ := testClient(t, ts, Config{AllowLoopback: true})

	_, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.NoError(t, err)
	require.Equal(t, int32(1), ts.hits.Load())
}

func TestClientErrorsHideQuery(t *testing.T) {
	const secret = "s3cr3t-value"
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "https://internal.example/?k="+secret, http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
	c, _ := testClient(t, ts, Config{AllowLoopback: true})

	urls := []string{
		ts.nameURL("/missing?key=" + secret),
		ts.nameURL("/redirect?key=" + secret),
		"https://internal.example/?key=" + secret,
		"https://nowhere.example/?key=" + secret,
		"https://exa mple.com/?key=" + secret,
	}
	for _, u := range urls {
		_, err := c.Do(context.Background(), get(u))
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), secret)
	}
}

func TestNewUsesCheckedDialer(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, `{"ok":true}`) })
	c, err := New(Config{
		AllowLoopback: true,
		RootCAs:       ts.roots(),
		Resolver:      mapResolver{"example.com": {"127.0.0.1"}},
	})
	require.NoError(t, err)
	resp, err := c.Do(context.Background(), get(ts.nameURL("/")))
	require.NoError(t, err)
	require.Equal(t, `{"ok":true}`, string(resp.Body))

	// The socket hook rejects an unchecked address on its own, before
	// connect.
	dial := newNetDialer(policy{}, Config{ConnectTimeout: time.Second})
	_, err = dial(context.Background(), "tcp", "127.0.0.1:"+ts.port)
	require.ErrorIs(t, err, ErrForbiddenAddress)
	require.Equal(t, int32(1), ts.hits.Load())
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := New(Config{AllowedContentTypes: []string{"Application/JSON; charset=utf-8"}})
	require.ErrorContains(t, err, "invalid egress config")
	_, err = New(Config{MaxResponseBytes: -1})
	require.ErrorContains(t, err, "max response bytes -1 is negative")
}

func TestClassifyKeepsSentinel(t *testing.T) {
	err := classify(context.Background(), errors.Join(ErrTooLarge))
	require.ErrorIs(t, err, ErrTooLarge)
	require.NotErrorIs(t, err, ErrNetwork)
}
