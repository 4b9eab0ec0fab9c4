package mesh

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
)

// CallOption changes one call.
type CallOption func(*callOptions)

type callOptions struct {
	idempotencyKey string
	timeout        time.Duration
}

// WithIdempotencyKey sends key as Idempotency-Key. The upstream runs the
// call once per (caller, route, key) and replays its response to repeats,
// which also makes the call safe to retry. Use a key derived from the work
// item (a request id, a transfer id), not a random one per call, so that a
// caller restarting mid-call repeats the same key.
func WithIdempotencyKey(key string) CallOption {
	return func(o *callOptions) { o.idempotencyKey = key }
}

// WithTimeout sets this call's deadline, overriding the route's timeout
// and the client's default. It is still capped by the client's MaxTimeout
// and by the context's own deadline.
func WithTimeout(d time.Duration) CallOption {
	return func(o *callOptions) { o.timeout = d }
}

// call is one Client.Call in progress.
type call struct {
	client    *Client
	upstream  *upstream
	route     Route
	routeName string
	body      []byte
	opts      callOptions
}

// Call sends in as JSON to route on upstream and decodes the JSON response
// into out. A nil in sends no body; a nil out discards the response.
//
// The call carries X-Service-ID, the trace context of ctx and, on critical
// routes, a Mesh-Signature. Its deadline is the first of ctx's deadline
// and the call timeout (see WithTimeout), and it covers every attempt.
// Idempotent routes and calls with an Idempotency-Key are retried on
// connection failures, 429, 502, 503 and 504, with full-jitter backoff.
//
// Every failure is an *Error naming the upstream and route. Match its
// code with errors.Is(err, someCode); a transport or context failure also
// unwraps to its cause.
func (c *Client) Call(ctx context.Context, upstream string, route Route, in, out any, opts ...CallOption) error {
	cl := &call{client: c, route: route, routeName: route.Name()}
	for _, opt := range opts {
		opt(&cl.opts)
	}
	if !validServiceName(upstream) {
		return fmt.Errorf("mesh call: %w", ValidateServiceName(upstream))
	}
	if route.Method == "" || !strings.HasPrefix(route.Path, "/") {
		return fmt.Errorf("mesh call %s: route %q has no method or no absolute path", upstream, cl.routeName)
	}
	if cl.opts.idempotencyKey != "" && !validIdempotencyKey(cl.opts.idempotencyKey) {
		return fmt.Errorf("mesh call %s %s: invalid idempotency key", upstream, cl.routeName)
	}
	if in != nil {
		var err error
		if cl.body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("mesh call %s %s: encode request: %w", upstream, cl.routeName, err)
		}
	}
	cl.upstream = c.upstream(upstream)
	metrics := cl.upstream.routeMetrics(c.metrics, cl.routeName)

	ctx, cancel := context.WithTimeout(ctx, c.callTimeout(route, cl.opts))
	defer cancel()
	ctx, span := c.tracer.Start(ctx, cl.routeName, cl.upstream.spanOptions...)
	defer span.End()

	start := time.Now()
	err := cl.send(ctx, out)
	metrics.latency.Observe(time.Since(start).Seconds())
	if err == nil {
		metrics.ok.Inc()
		return nil
	}

	outcome := string(ErrInternal)
	var me *Error
	if errors.As(err, &me) {
		outcome = string(me.Code)
	}
	span.SetStatus(codes.Error, outcome)
	c.metrics.requests.WithLabelValues(upstream, cl.routeName, outcome).Inc()

	return err
}

// callTimeout picks the call's deadline: the option, else the route's
// timeout, else the client default, capped by MaxTimeout.
func (c *Client) callTimeout(route Route, o callOptions) time.Duration {
	d := c.cfg.Timeout
	if route.Timeout > 0 {
		d = route.Timeout
	}
	if o.timeout > 0 {
		d = o.timeout
	}

	return min(d, c.cfg.MaxTimeout)
}

// send runs the attempts and decodes the final response. Every error it
// returns is an *Error.
func (cl *call) send(ctx context.Context, out any) error {
	if !cl.route.Idempotent && cl.opts.idempotencyKey == "" {
		res, err := cl.attempt(ctx)
		if err != nil {
			return err
		}
		return cl.decodeResult(res, out)
	}

	attempt := func() (*attemptResult, error) {
		res, err := cl.attempt(ctx)
		if err != nil && !retryable(err) {
			return nil, backoff.Permanent(err)
		}
		return res, err
	}
	notify := func(err error, wait time.Duration) {
		cl.client.log.Debug("retrying mesh call",
			"upstream", cl.upstream.name, "route", cl.routeName, "wait", wait, "error", err)
	}

	res, err := backoff.Retry(ctx, attempt,
		backoff.WithBackOff(newFullJitter(cl.client.cfg.Retry)),
		backoff.WithMaxTries(uint(cl.client.cfg.Retry.MaxAttempts)),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(notify),
	)
	if err != nil {
		// backoff.Retry returns the bare context error when the deadline
		// passes between attempts.
		var me *Error
		if !errors.As(err, &me) {
			return cl.contextError(ctx, err)
		}
		return err
	}

	return cl.decodeResult(res, out)
}

// error returns an *Error with this call's upstream and route.
func (cl *call) error(status int, code Code, cause error) *Error {
	return &Error{Status: status, Code: code, Upstream: cl.upstream.name, Route: cl.routeName, Err: cause}
}

// contextError reports a call that ended because ctx did.
func (cl *call) contextError(ctx context.Context, cause error) *Error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return cl.error(0, ErrCanceled, cause)
	}

	return cl.error(0, ErrDeadlineExceeded, cause)
}

// decodeResult decodes a success body into out, or a problem into an
// *Error.
func (cl *call) decodeResult(res *attemptResult, out any) error {
	if res.status < 200 || res.status > 299 {
		e := decodeProblem(res.status, res.contentType, res.body)
		e.Upstream, e.Route = cl.upstream.name, cl.routeName
		return e
	}
	if out == nil || len(res.body) == 0 {
		return nil
	}

	if err := json.Unmarshal(res.body, out); err != nil {
		e := cl.error(res.status, ErrBadResponse, err)
		e.Detail = "decode response body"
		return e
	}

	return nil
}

// attempt sends the request once through the upstream's breaker. It
// returns an *Error for a transport failure, an open breaker, and 5xx or
// 429 responses. Other responses, 4xx included, come back as a result.
func (cl *call) attempt(ctx context.Context) (*attemptResult, error) {
	req, err := cl.newRequest(ctx)
	if err != nil {
		return nil, err
	}
	cl.upstream.routeMetrics(cl.client.metrics, cl.routeName).attempts.Inc()

	res, err := cl.upstream.breaker.Execute(func() (*attemptResult, error) {
		return cl.roundTrip(ctx, req)
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, cl.error(0, ErrCircuitOpen, err)
	}

	return res, err
}

// Canonical header keys, set directly to skip canonicalisation per call.
var (
	keyServiceID      = http.CanonicalHeaderKey(ServiceIDHeader)
	keyIdempotencyKey = http.CanonicalHeaderKey(IdempotencyKeyHeader)
	keyTimeout        = http.CanonicalHeaderKey(TimeoutHeader)
	keySignature      = http.CanonicalHeaderKey(SignatureHeader)
	jsonContentType   = []string{"application/json"}
)

// newRequest builds one attempt's HTTP request. Each attempt gets a fresh
// signature, because the server accepts every nonce once.
func (cl *call) newRequest(ctx context.Context) (*http.Request, error) {
	addr, err := cl.client.cfg.Resolver.Resolve(ctx, cl.upstream.name)
	if err != nil {
		return nil, cl.error(0, ErrUnresolved, err)
	}

	req, err := http.NewRequestWithContext(ctx, cl.route.Method, "https://"+addr+cl.route.Path,
		bytes.NewReader(cl.body))
	if err != nil {
		return nil, cl.error(0, ErrUnresolved, err)
	}

	h := req.Header
	h[keyServiceID] = cl.client.serviceID
	if len(cl.body) > 0 {
		h["Content-Type"] = jsonContentType
	}
	if cl.opts.idempotencyKey != "" {
		h[keyIdempotencyKey] = []string{cl.opts.idempotencyKey}
	}
	if deadline, ok := ctx.Deadline(); ok {
		h[keyTimeout] = []string{strconv.FormatInt(max(time.Until(deadline).Milliseconds(), 1), 10)}
	}
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(h))

	if cl.route.Critical {
		if err := cl.sign(h); err != nil {
			return nil, cl.error(0, ErrInternal, err)
		}
	}

	return req, nil
}

// sign adds the Mesh-Signature header.
func (cl *call) sign(h http.Header) error {
	key, ok := cl.client.cfg.Certificate.PrivateKey.(crypto.Signer)
	if !ok {
		return errors.New("sign request: certificate key cannot sign")
	}

	fields := signedFields{
		caller:         cl.client.cfg.Service,
		callee:         cl.upstream.name,
		method:         cl.route.Method,
		path:           cl.route.Path,
		body:           cl.body,
		idempotencyKey: cl.opts.idempotencyKey,
	}
	sig, err := sign(key, fields, cl.client.cfg.Now(), rand.Reader)
	if err != nil {
		return err
	}
	h[keySignature] = []string{sig.format()}

	return nil
}

// roundTrip sends req and reads the whole response, up to
// MaxResponseBytes.
func (cl *call) roundTrip(ctx context.Context, req *http.Request) (*attemptResult, error) {
	resp, err := cl.upstream.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, cl.contextError(ctx, err)
		}
		return nil, cl.error(0, ErrUnreachable, err)
	}
	defer resp.Body.Close()

	limit := cl.client.cfg.MaxResponseBytes
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, cl.contextError(ctx, err)
	case err != nil:
		return nil, cl.error(0, ErrUnreachable, err)
	case int64(len(body)) > limit:
		e := cl.error(resp.StatusCode, ErrBadResponse, nil)
		e.Detail = fmt.Sprintf("response larger than %d bytes", limit)
		return nil, e
	}

	res := &attemptResult{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}
	if res.status >= 500 || res.status == http.StatusTooManyRequests {
		e := decodeProblem(res.status, res.contentType, res.body)
		e.Upstream, e.Route = cl.upstream.name, cl.routeName
		return res, e
	}

	return res, nil
}
