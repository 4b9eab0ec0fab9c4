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
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
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
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	if err := ValidateServiceName(upstream); err != nil {
		return fmt.Errorf("mesh call: %w", err)
	}
	if o.idempotencyKey != "" && !validIdempotencyKey(o.idempotencyKey) {
		return fmt.Errorf("mesh call %s %s: invalid idempotency key", upstream, route.Name())
	}

	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("mesh call %s %s: encode request: %w", upstream, route.Name(), err)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, c.callTimeout(route, o))
	defer cancel()
	ctx, span := c.tracer.Start(ctx, route.Name(), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("peer.service", upstream)))
	defer span.End()

	start := time.Now()
	err := c.send(ctx, c.upstream(upstream), route, body, o, out)
	outcome := outcomeOK
	if err != nil {
		outcome = string(ErrInternal)
		var me *Error
		if errors.As(err, &me) {
			outcome = string(me.Code)
		}
		span.SetStatus(codes.Error, outcome)
	}
	c.metrics.requests.WithLabelValues(upstream, route.Name(), outcome).Inc()
	c.metrics.latency.WithLabelValues(upstream, route.Name()).Observe(time.Since(start).Seconds())

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
func (c *Client) send(ctx context.Context, u *upstream, route Route, body []byte, o callOptions, out any) error {
	maxTries := uint(1)
	if route.Idempotent || o.idempotencyKey != "" {
		maxTries = uint(c.cfg.Retry.MaxAttempts)
	}

	attempt := func() (*attemptResult, error) {
		res, err := c.attempt(ctx, u, route, body, o)
		if err != nil && !retryable(err) {
			return nil, backoff.Permanent(err)
		}
		return res, err
	}
	notify := func(err error, wait time.Duration) {
		c.log.Debug("retrying mesh call", "upstream", u.name, "route", route.Name(), "wait", wait, "error", err)
	}

	res, err := backoff.Retry(ctx, attempt,
		backoff.WithBackOff(newFullJitter(c.cfg.Retry)),
		backoff.WithMaxTries(maxTries),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(notify),
	)
	if err != nil {
		return callError(ctx, u.name, route, err)
	}

	return decodeResult(u.name, route, res, out)
}

// callError makes err an *Error naming upstream and route. backoff.Retry
// returns the bare context error when the deadline passes between
// attempts.
func callError(ctx context.Context, upstream string, route Route, err error) error {
	var me *Error
	if errors.As(err, &me) {
		return err
	}

	return contextError(ctx, upstream, route, err)
}

// contextError reports a call that ended because ctx did.
func contextError(ctx context.Context, upstream string, route Route, err error) *Error {
	code := ErrDeadlineExceeded
	if errors.Is(ctx.Err(), context.Canceled) {
		code = ErrCanceled
	}

	return &Error{Code: code, Upstream: upstream, Route: route.Name(), Err: err}
}

// decodeResult decodes a success body into out, or a problem into an
// *Error.
func decodeResult(upstream string, route Route, res *attemptResult, out any) error {
	if res.status < 200 || res.status > 299 {
		e := decodeProblem(res.status, res.contentType, res.body)
		e.Upstream, e.Route = upstream, route.Name()
		return e
	}
	if out == nil || len(res.body) == 0 {
		return nil
	}

	if err := json.Unmarshal(res.body, out); err != nil {
		return &Error{Status: res.status, Code: ErrBadResponse, Detail: "decode response body",
			Upstream: upstream, Route: route.Name(), Err: err}
	}

	return nil
}

// attempt sends the request once through the upstream's breaker. It
// returns an *Error for a transport failure, an open breaker, and 5xx or
// 429 responses. Other responses, 4xx included, come back as a result.
func (c *Client) attempt(ctx context.Context, u *upstream, route Route, body []byte, o callOptions) (
	*attemptResult, error,
) {
	req, err := c.newRequest(ctx, u.name, route, body, o)
	if err != nil {
		return nil, err
	}
	c.metrics.attempts.WithLabelValues(u.name, route.Name()).Inc()

	res, err := u.breaker.Execute(func() (*attemptResult, error) {
		return c.roundTrip(ctx, u, route, req)
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, &Error{Code: ErrCircuitOpen, Upstream: u.name, Route: route.Name(), Err: err}
	}

	return res, err
}

// newRequest builds one attempt's HTTP request. Each attempt gets a fresh
// signature, because the server accepts every nonce once.
func (c *Client) newRequest(ctx context.Context, upstream string, route Route, body []byte, o callOptions) (
	*http.Request, error,
) {
	addr, err := c.cfg.Resolver.Resolve(ctx, upstream)
	if err != nil {
		return nil, &Error{Code: ErrUnresolved, Upstream: upstream, Route: route.Name(), Err: err}
	}

	req, err := http.NewRequestWithContext(ctx, route.Method, "https://"+addr+route.Path, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Code: ErrUnresolved, Upstream: upstream, Route: route.Name(), Err: err}
	}

	h := req.Header
	h.Set(ServiceIDHeader, c.cfg.Service)
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	if o.idempotencyKey != "" {
		h.Set(IdempotencyKeyHeader, o.idempotencyKey)
	}
	if deadline, ok := ctx.Deadline(); ok {
		h.Set(TimeoutHeader, strconv.FormatInt(max(time.Until(deadline).Milliseconds(), 1), 10))
	}
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(h))

	if route.Critical {
		if err := c.signRequest(req, upstream, route, body, o); err != nil {
			return nil, &Error{Code: ErrInternal, Upstream: upstream, Route: route.Name(), Err: err}
		}
	}

	return req, nil
}

func (c *Client) signRequest(req *http.Request, upstream string, route Route, body []byte, o callOptions) error {
	key, ok := c.cfg.Certificate.PrivateKey.(crypto.Signer)
	if !ok {
		return errors.New("sign request: certificate key cannot sign")
	}

	fields := signedFields{
		caller:         c.cfg.Service,
		callee:         upstream,
		method:         route.Method,
		path:           route.Path,
		body:           body,
		idempotencyKey: o.idempotencyKey,
	}
	sig, err := sign(key, fields, c.cfg.Now(), rand.Reader)
	if err != nil {
		return err
	}
	req.Header.Set(SignatureHeader, sig.format())

	return nil
}

// roundTrip sends req and reads the whole response, up to
// MaxResponseBytes.
func (c *Client) roundTrip(ctx context.Context, u *upstream, route Route, req *http.Request) (*attemptResult, error) {
	resp, err := u.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, contextError(ctx, u.name, route, err)
		}
		return nil, &Error{Code: ErrUnreachable, Upstream: u.name, Route: route.Name(), Err: err}
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, contextError(ctx, u.name, route, err)
	case err != nil:
		return nil, &Error{Code: ErrUnreachable, Upstream: u.name, Route: route.Name(), Err: err}
	case int64(len(body)) > c.cfg.MaxResponseBytes:
		return nil, &Error{Status: resp.StatusCode, Code: ErrBadResponse, Upstream: u.name, Route: route.Name(),
			Detail: fmt.Sprintf("response larger than %d bytes", c.cfg.MaxResponseBytes)}
	}

	res := &attemptResult{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}
	if res.status >= 500 || res.status == http.StatusTooManyRequests {
		e := decodeProblem(res.status, res.contentType, res.body)
		e.Upstream, e.Route = u.name, route.Name()
		return res, e
	}

	return res, nil
}
