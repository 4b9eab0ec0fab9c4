package mesh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// invoke runs the handler and turns its result into a response and an
// outcome code. A panic in the handler becomes 500 internal.
func (s *Server) invoke(ctx context.Context, ep *Endpoint, req *Request, body []byte) (
	resp StoredResponse, code Code,
) {
	out, err := s.callHandler(ctx, ep, req, body)
	if err == nil {
		return StoredResponse{Status: http.StatusOK, ContentType: "application/json", Body: out}, outcomeOK
	}

	e := s.problemFor(ctx, err)
	span := trace.SpanFromContext(ctx)
	span.SetStatus(codes.Error, string(e.Code))
	s.logHandlerError(ctx, req, e, err)

	return StoredResponse{Status: e.Status, ContentType: ProblemContentType, Body: encodeProblem(e, s.cfg.Service)}, e.Code
}

func (s *Server) callHandler(ctx context.Context, ep *Endpoint, req *Request, body []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v", p)
		}
	}()

	return ep.handle(ctx, req, body)
}

// problemFor decides what crosses the wire for a handler error. A local
// *Error anywhere in the chain is sent as it is. An *Error that a mesh
// call of the handler returned is passed on as upstream_failed. A deadline
// becomes 504 timeout. Anything else is 500 internal with a generic
// detail, and only the log keeps the error.
func (s *Server) problemFor(ctx context.Context, err error) *Error {
	var me *Error
	if errors.As(err, &me) {
		if me.Upstream == "" {
			return localProblem(me)
		}
		return upstreamProblem(me)
	}

	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return NewError(http.StatusGatewayTimeout, ErrTimeout, "handler deadline exceeded")
	case errors.Is(err, context.Canceled):
		return NewError(http.StatusServiceUnavailable, ErrUnavailable, "request canceled")
	default:
		return NewError(http.StatusInternalServerError, ErrInternal, "internal error")
	}
}

// localProblem copies a handler's *Error, repairing an invalid status or
// code so that the response stays well formed.
func localProblem(me *Error) *Error {
	e := &Error{Status: me.Status, Code: me.Code, Detail: me.Detail}
	if e.Status < 400 || e.Status > 599 {
		e.Status = http.StatusInternalServerError
	}
	if !e.Code.Valid() {
		e.Code = ErrInternal
	}

	return e
}

// upstreamProblem reports a failed call to another service. The detail
// names the upstream, route and code, never the upstream's transport
// error, which would reveal addresses.
func upstreamProblem(me *Error) *Error {
	status := http.StatusBadGateway
	switch {
	case me.Status >= 400 && me.Status < 500 && me.Status != http.StatusTooManyRequests:
		status = http.StatusFailedDependency
	case errors.Is(me, ErrDeadlineExceeded) || errors.Is(me, ErrTimeout):
		status = http.StatusGatewayTimeout
	}

	return Errorf(status, ErrUpstreamFailed, "%s %s: %s", me.Upstream, me.Route, me.Code)
}

// logHandlerError logs a handler failure. Internal errors are logged in
// full at Error, because the caller only sees "internal error"; problems
// the handler chose are logged at Debug.
func (s *Server) logHandlerError(ctx context.Context, req *Request, e *Error, err error) {
	attrs := []any{
		"caller", req.Caller,
		"route", req.Route.Name(),
		"code", string(e.Code),
		"status", e.Status,
		"error", err,
	}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		attrs = append(attrs, "trace_id", sc.TraceID().String())
	}

	if e.Status >= 500 {
		s.log.Error("handler failed", attrs...)
		return
	}
	s.log.Debug("handler returned problem", attrs...)
}

// readAll reads all of r into a buffer sized from the Content-Length hint,
// capped at 64 KiB so that a false header cannot force a large allocation.
func readAll(r io.Reader, hint int64) ([]byte, error) {
	if hint <= 0 || hint > 64<<10 {
		hint = 512
	}

	buf := bytes.NewBuffer(make([]byte, 0, hint))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}

	return buf.Bytes(), nil
}
