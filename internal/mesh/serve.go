package mesh

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Headers the mesh reads and writes besides Mesh-Signature.
const (
	// ServiceIDHeader names the calling service. It must match the
	// client certificate's identity.
	ServiceIDHeader = "X-Service-ID"
	// IdempotencyKeyHeader carries the caller's de-duplication key.
	IdempotencyKeyHeader = "Idempotency-Key"
	// TimeoutHeader carries the caller's remaining deadline in
	// milliseconds. The handler's deadline is the smaller of it and the
	// route's timeout.
	TimeoutHeader = "Mesh-Timeout"
	// ReplayedHeader is set to "true" on a response replayed for a
	// repeated Idempotency-Key.
	ReplayedHeader = "Idempotent-Replayed"
)

// unknownLabel stands for the caller or route in metrics and logs before
// they are known, so that unverified input never becomes a label.
const unknownLabel = "unknown"

// exchange is the state of one request as it passes the checks.
type exchange struct {
	start  time.Time
	caller string
	route  string
	code   Code
}

// serve runs the checks in order (identity, route, allowed caller,
// Idempotency-Key, body, signature) and then the handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	x := &exchange{start: time.Now(), caller: unknownLabel, route: unknownLabel}
	defer s.observe(x)

	caller, perr := s.authenticate(r)
	if perr != nil {
		s.rejectCall(w, x, perr)
		return
	}
	x.caller = caller

	if r.URL.Path == HealthPath && r.Method == http.MethodGet {
		x.route = "GET " + HealthPath
		s.serveHealth(w, r, x)
		return
	}

	ep, perr := s.lookup(r)
	if perr != nil {
		s.rejectCall(w, x, perr)
		return
	}
	x.route = ep.name

	req, body, perr := s.admit(w, r, ep, caller)
	if perr != nil {
		s.rejectCall(w, x, perr)
		return
	}

	ctx, cancel, span := s.handlerContext(r, ep.Route, x.route)
	defer cancel()
	defer span.End()

	var resp StoredResponse
	if req.IdempotencyKey != "" {
		resp, x.code = s.serveOnce(ctx, w, ep, req, body)
	} else {
		resp, x.code = s.invoke(ctx, ep, req, body)
	}
	writeResponse(w, resp)
}

// authenticate returns the caller's identity from its certificate and
// checks that X-Service-ID names the same service.
func (s *Server) authenticate(r *http.Request) (string, *Error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return "", NewError(http.StatusUnauthorized, ErrIdentityMismatch, "no client certificate")
	}

	caller, err := s.cfg.Identity(r.TLS.PeerCertificates[0])
	if err != nil {
		return "", NewError(http.StatusForbidden, ErrIdentityMismatch, "client certificate has no mesh identity")
	}

	claimed := r.Header.Values(ServiceIDHeader)
	switch {
	case len(claimed) == 0:
		return "", NewError(http.StatusForbidden, ErrServiceIDMissing, "X-Service-ID header missing")
	case len(claimed) > 1 || claimed[0] != caller:
		return "", Errorf(http.StatusForbidden, ErrIdentityMismatch,
			"X-Service-ID does not match the client certificate identity %q", caller)
	}

	return caller, nil
}

// lookup finds the endpoint for the request's method and path.
func (s *Server) lookup(r *http.Request) (*Endpoint, *Error) {
	if ep, ok := s.endpoints[r.Method+" "+r.URL.Path]; ok {
		return ep, nil
	}
	if s.paths[r.URL.Path] {
		return nil, NewError(http.StatusMethodNotAllowed, ErrMethodNotAllowed, "method not allowed on this route")
	}

	return nil, NewError(http.StatusNotFound, ErrRouteNotFound, "no such route")
}

// admit checks the caller against the route, reads the body and verifies
// the signature of critical routes.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, ep *Endpoint, caller string) (
	*Request, []byte, *Error,
) {
	if !ep.Route.Allows(caller) {
		return nil, nil, Errorf(http.StatusForbidden, ErrCallerNotAllowed,
			"service %q may not call %s", caller, ep.Route.Name())
	}

	key, perr := idempotencyKey(r, ep.Route)
	if perr != nil {
		return nil, nil, perr
	}

	body, perr := s.readBody(w, r)
	if perr != nil {
		return nil, nil, perr
	}

	req := &Request{Caller: caller, Route: ep.Route, IdempotencyKey: key}
	if ep.Route.Critical {
		if perr := s.checkSignature(r, req, body); perr != nil {
			return nil, nil, perr
		}
	}

	return req, body, nil
}

// readBody reads at most MaxBodyBytes and requires JSON when a body is
// present.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *Error) {
	body, err := readAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, Errorf(http.StatusRequestEntityTooLarge, ErrBodyTooLarge,
				"body larger than %d bytes", s.cfg.MaxBodyBytes)
		}
		return nil, NewError(http.StatusBadRequest, ErrInvalidBody, "body could not be read")
	}
	if len(body) == 0 {
		return nil, nil
	}

	contentType := r.Header.Get("Content-Type")
	if contentType == "application/json" {
		return body, nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" {
		return nil, NewError(http.StatusUnsupportedMediaType, ErrUnsupportedMediaType, "body must be application/json")
	}

	return body, nil
}

var serverSpanKind = trace.WithSpanKind(trace.SpanKindServer)

// handlerContext bounds the handler by the route's timeout and the
// caller's Mesh-Timeout, and continues the caller's trace in a span named
// for the route.
func (s *Server) handlerContext(r *http.Request, route Route, name string) (
	context.Context, context.CancelFunc, trace.Span,
) {
	timeout := route.timeout()
	if ms, err := strconv.ParseInt(r.Header.Get(TimeoutHeader), 10, 64); err == nil && ms > 0 {
		timeout = min(timeout, time.Duration(ms)*time.Millisecond)
	}

	ctx := propagation.TraceContext{}.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := s.tracer.Start(ctx, name, serverSpanKind)
	ctx, cancel := context.WithTimeout(ctx, timeout)

	return ctx, cancel, span
}

// serveHealth serves the health route.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, x *exchange) {
	x.code = outcomeOK
	if s.draining.Load() {
		x.code = ErrUnavailable
		writeProblem(w, NewError(http.StatusServiceUnavailable, ErrUnavailable, "shutting down"), s.cfg.Service)
		return
	}
	if s.cfg.Health != nil {
		if err := s.cfg.Health(r.Context()); err != nil {
			s.log.Warn("health check failed", "error", err)
			x.code = ErrUnavailable
			writeProblem(w, NewError(http.StatusServiceUnavailable, ErrUnavailable, "unhealthy"), s.cfg.Service)
			return
		}
	}

	writeResponse(w, StoredResponse{
		Status:      http.StatusOK,
		ContentType: "application/json",
		Body:        []byte(`{"status":"ok","service":"` + s.cfg.Service + `"}`),
	})
}

// rejectCall sends the problem for a request that failed a mesh check
// and logs the rejection.
func (s *Server) rejectCall(w http.ResponseWriter, x *exchange, e *Error) {
	x.code = e.Code
	s.rejects.reject(x.start, x.caller, x.route, e)
	writeProblem(w, e, s.cfg.Service)
}

// observe records the request's metrics.
func (s *Server) observe(x *exchange) {
	code := string(x.code)
	s.metrics.requests.WithLabelValues(x.route, x.caller, code).Inc()
	if x.code != outcomeOK {
		s.metrics.errors.WithLabelValues(x.route, code).Inc()
	}
	s.metrics.latency.WithLabelValues(x.route).Observe(time.Since(x.start).Seconds())
}

// writeResponse sends a success or problem response.
func writeResponse(w http.ResponseWriter, resp StoredResponse) {
	h := w.Header()
	h.Set("Content-Type", resp.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}
