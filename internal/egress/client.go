package egress

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Request is one outgoing request. The client sends Header as given with
// its own User-Agent, except that net/http ignores Host, Content-Length,
// Transfer-Encoding and Trailer in Header.
type Request struct {
	// Method is GET or POST.
	Method string
	// URL is the absolute URL to fetch.
	URL string
	// Header holds extra request headers; nil sends none.
	Header http.Header
	// Body is sent with POST; it must be empty for GET.
	Body []byte
}

// Response is a successful (2xx) response read in full.
type Response struct {
	// StatusCode is the HTTP status, 200 to 299.
	StatusCode int
	// ContentType is the media type of the body, lower case and without
	// parameters, one of Config.AllowedContentTypes.
	ContentType string
	// Body is the response body, at most Config.MaxResponseBytes long.
	Body []byte
}

// Client fetches user-supplied URLs under the policy of its Config. It is
// safe for concurrent use.
type Client struct {
	cfg    Config
	policy policy
	http   *http.Client
}

// New returns a Client for cfg, with defaults applied to zero fields.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := policy{allowHTTP: cfg.AllowHTTP, allowLoopback: cfg.AllowLoopback}
	return newClient(cfg, p, newNetDialer(p, cfg)), nil
}

// newClient builds the client around dial, which tests replace.
func newClient(cfg Config, p policy, dial dialFunc) *Client {
	d := &dialer{policy: p, resolver: cfg.Resolver, dial: dial}
	transport := &http.Transport{
		// Never a proxy from the environment: the proxy would make the
		// connection, and the address checks would not apply to it.
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		MaxResponseHeaderBytes: cfg.MaxHeaderBytes,
		// Bodies arrive as sent, so the size cap counts the bytes a caller
		// gets and a compressed bomb cannot expand behind it.
		DisableCompression:  true,
		MaxIdleConns:        16,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
	}
	c := &Client{cfg: cfg, policy: p}
	c.http = &http.Client{Transport: transport, CheckRedirect: c.checkRedirect}
	return c
}

// Do sends req and reads the response. It returns a Response for a 2xx
// status, and otherwise an error wrapping one of the package's sentinel
// errors. Errors never contain the URL query, which may carry secrets.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	u, err := parseURL(req.URL)
	if err != nil {
		return nil, err
	}
	if err := c.policy.checkURL(u); err != nil {
		return nil, err
	}
	if req.Method != http.MethodGet && req.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: method %q, want GET or POST", ErrInvalidRequest, req.Method)
	}
	if req.Method == http.MethodGet && len(req.Body) > 0 {
		return nil, fmt.Errorf("%w: GET request with a body", ErrInvalidRequest)
	}

	reqCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	hreq, err := http.NewRequestWithContext(reqCtx, req.Method, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("%w: build request for %s", ErrInvalidRequest, redactURL(u))
	}
	hreq.Header = req.Header.Clone()
	if hreq.Header == nil {
		hreq.Header = make(http.Header)
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)

	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, redactURL(u), classify(ctx, err))
	}
	defer resp.Body.Close()

	out, err := c.readResponse(resp)
	if err == nil {
		// A body cut short by the deadline can end in a clean EOF, which
		// would pass a truncated body off as the whole one.
		err = reqCtx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, redactURL(u), classify(ctx, err))
	}
	return out, nil
}

// readResponse checks the status, the media type and the size, in that
// order, and reads the body.
func (c *Client) readResponse(resp *http.Response) (*Response, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &StatusError{StatusCode: resp.StatusCode}
	}

	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("%w: missing or malformed Content-Type", ErrContentType)
	}
	if !slices.Contains(c.cfg.AllowedContentTypes, mt) {
		return nil, fmt.Errorf("%w: %s", ErrContentType, mt)
	}

	limit := c.cfg.MaxResponseBytes
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d, max %d", ErrTooLarge, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrTooLarge, limit)
	}
	return &Response{StatusCode: resp.StatusCode, ContentType: mt, Body: body}, nil
}

// checkRedirect is the http.Client hook run before each redirect. It checks
// the new URL like the first one (the dialer checks its addresses), caps
// the number of hops, and keeps the caller's headers and body from
// reaching another origin.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, max(c.cfg.MaxRedirects, 0))
	}
	if err := c.policy.checkURL(req.URL); err != nil {
		// ErrInvalidURL is kept for the caller's own URL, so a bad
		// Location is reported as a redirect problem instead.
		if errors.Is(err, ErrInvalidURL) {
			return fmt.Errorf("%w: to %s: %v", ErrRedirectNotAllowed, redactURL(req.URL), err)
		}
		return fmt.Errorf("redirect to %s: %w", redactURL(req.URL), err)
	}

	// net/http sets Referer to the previous URL, query included.
	req.Header.Del("Referer")

	if sameOrigin(via[0].URL, req.URL) {
		return nil
	}
	// net/http resends the body for 307 and 308, which keep the method.
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return fmt.Errorf("%w: %s to another origin with a body", ErrRedirectNotAllowed, req.Method)
	}
	// net/http drops only Authorization and Cookie on a redirect to
	// another domain; the caller's other headers may carry secrets too.
	req.Header = http.Header{"User-Agent": {c.cfg.UserAgent}}
	return nil
}

func sameOrigin(a, b *url.URL) bool {
	pa, errA := parsePort(a)
	pb, errB := parsePort(b)
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && pa == pb && errA == nil && errB == nil
}
