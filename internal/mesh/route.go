package mesh

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Call deadlines. A call's deadline is the per-call option, else the
// route's Timeout, else the client's default, and never more than the
// client's maximum, even when the caller's context has no deadline.
const (
	// DefaultTimeout is the deadline of a call or handler when neither
	// the route nor the caller sets one.
	DefaultTimeout = 5 * time.Second
	// MaxTimeout is the longest deadline the mesh allows.
	MaxTimeout = 60 * time.Second
)

// Route describes one operation a service offers on the mesh. Routes are
// plain data: a service declares its table once (usually in its api
// package), the server binds handlers to it with Handle, clients call it,
// and deployment tooling can read the same table to derive policy.
type Route struct {
	// Method is the HTTP method, such as "POST".
	Method string
	// Path is the exact URL path, such as "/v1/lease". Patterns and path
	// parameters are not supported.
	Path string
	// Callers lists the services allowed to call the route. Every other
	// caller gets 403 caller_not_allowed.
	Callers []string
	// Critical routes require a Mesh-Signature made with the caller's
	// certificate key, checked for freshness and replay.
	Critical bool
	// Idempotent routes may be retried by the client on transient
	// failures. Other routes are retried only when the call carries an
	// Idempotency-Key.
	Idempotent bool
	// KeyRequired rejects calls without an Idempotency-Key with 400
	// idempotency_key_required.
	KeyRequired bool
	// Timeout bounds the handler and is the client's default deadline
	// for this route (default DefaultTimeout, at most MaxTimeout).
	Timeout time.Duration
}

// Name returns "METHOD /path", the route's label in logs and metrics.
func (r Route) Name() string {
	return r.Method + " " + r.Path
}

// Allows reports whether caller is in the route's Callers.
func (r Route) Allows(caller string) bool {
	return slices.Contains(r.Callers, caller)
}

var routeMethods = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
}

// Validate checks the method, the path, the callers and the timeout.
func (r Route) Validate() error {
	if !slices.Contains(routeMethods, r.Method) {
		return fmt.Errorf("route %s: unsupported method %q", r.Name(), r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?# \t\r\n{}") {
		return fmt.Errorf("route %s: path must start with / and have no query, fragment, space or braces", r.Name())
	}
	if len(r.Callers) == 0 {
		return fmt.Errorf("route %s: no allowed callers", r.Name())
	}
	for i, caller := range r.Callers {
		if err := ValidateServiceName(caller); err != nil {
			return fmt.Errorf("route %s: caller: %w", r.Name(), err)
		}
		if slices.Contains(r.Callers[:i], caller) {
			return fmt.Errorf("route %s: caller %q listed twice", r.Name(), caller)
		}
	}
	if r.Timeout < 0 || r.Timeout > MaxTimeout {
		return fmt.Errorf("route %s: timeout %s outside 0..%s", r.Name(), r.Timeout, MaxTimeout)
	}

	return nil
}

// timeout returns the route's timeout, or DefaultTimeout when unset.
func (r Route) timeout() time.Duration {
	if r.Timeout == 0 {
		return DefaultTimeout
	}

	return r.Timeout
}

// Request describes a verified inbound call to a handler.
type Request struct {
	// Caller is the calling service, taken from its client certificate
	// and matched against X-Service-ID.
	Caller string
	// Route is the route being served.
	Route Route
	// IdempotencyKey is the caller's Idempotency-Key, or empty. The
	// server already de-duplicates on (caller, route, key). A handler
	// that passes work to another system can combine it with Caller into
	// that system's idempotency key.
	IdempotencyKey string
}

// rawHandler serves one decoded request body and returns the JSON
// response body.
type rawHandler func(ctx context.Context, req *Request, body []byte) ([]byte, error)

// Endpoint binds a handler to a route. Build one with Handle.
type Endpoint struct {
	Route  Route
	handle rawHandler
	// name is Route.Name(), set by the server so requests need not build it.
	name string
}

// Handle binds fn to route. The request body is decoded as JSON into In
// (an empty body leaves In zero, and unknown fields are ignored so that
// callers can be upgraded first), and fn's Out is encoded as the JSON
// response. An error from fn becomes a problem response: an *Error keeps
// its status and code, any other error is logged and sent as 500 internal.
func Handle[In, Out any](route Route, fn func(ctx context.Context, req *Request, in In) (Out, error)) Endpoint {
	handle := func(ctx context.Context, req *Request, body []byte) ([]byte, error) {
		var in In
		if err := decodeJSON(body, &in); err != nil {
			return nil, Errorf(http.StatusBadRequest, ErrInvalidBody, "decode request body: %s", err)
		}

		out, err := fn(ctx, req, in)
		if err != nil {
			return nil, err
		}

		resp, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode response: %w", err)
		}

		return resp, nil
	}

	return Endpoint{Route: route, handle: handle}
}

// decodeJSON decodes one JSON value from body into v. json.Unmarshal
// rejects trailing data. An empty body leaves v unchanged.
func decodeJSON(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}

	return json.Unmarshal(body, v)
}
