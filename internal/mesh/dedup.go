package mesh

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"time"
)

// idempotencyPoll is how often a duplicate request checks on a key claimed
// by another server (one sharing a durable store). Duplicates of a key
// claimed by this server wake as soon as it finishes.
const idempotencyPoll = 25 * time.Millisecond

// serveOnce runs the handler once per (caller, route, Idempotency-Key)
// while the store keeps the key. A 5xx or 429 response releases the key,
// so the next repeat runs the handler again. A repeat with the same body
// gets the stored response and one with another body gets 422. A repeat
// that arrives while the first is running waits for it until the repeat's
// own deadline.
func (s *Server) serveOnce(ctx context.Context, w http.ResponseWriter, ep *Endpoint, req *Request, body []byte) (
	StoredResponse, Code,
) {
	key := req.Caller + "\x00" + req.Route.Name() + "\x00" + req.IdempotencyKey
	fingerprint := sha256.Sum256(body)
	// A claim outlives the handler's longest deadline, so that only the
	// claim of a server that died is ever taken over.
	lock := req.Route.timeout() + time.Minute

	for {
		rec, reserved, err := s.cfg.Idempotency.Reserve(ctx, key, fingerprint, lock)
		switch {
		case errors.Is(err, ErrStoreFull):
			return s.problemResponse(NewError(http.StatusServiceUnavailable, ErrUnavailable, "idempotency store full"))
		case err != nil:
			s.log.Error("reserve idempotency key", "caller", req.Caller, "route", req.Route.Name(), "error", err)
			return s.problemResponse(NewError(http.StatusInternalServerError, ErrInternal, "internal error"))
		case reserved:
			return s.runClaimed(ctx, ep, req, body, key)
		case rec.Fingerprint != fingerprint:
			return s.problemResponse(NewError(http.StatusUnprocessableEntity, ErrIdempotencyKeyReused,
				"Idempotency-Key was used before with a different body"))
		case rec.Done:
			w.Header().Set(ReplayedHeader, "true")
			return rec.Response, codeOf(rec.Response)
		}

		if err := s.waitForClaim(ctx, key); err != nil {
			return s.problemResponse(NewError(http.StatusConflict, ErrIdempotencyInFlight,
				"a request with this Idempotency-Key is still running"))
		}
	}
}

// runClaimed runs the handler for a key this server claimed, then stores
// the response, or releases the claim when the response is not worth
// replaying (5xx or 429, which the caller may retry).
func (s *Server) runClaimed(ctx context.Context, ep *Endpoint, req *Request, body []byte, key string) (
	StoredResponse, Code,
) {
	done := make(chan struct{})
	s.waitMu.Lock()
	s.waiting[key] = done
	s.waitMu.Unlock()
	defer func() {
		s.waitMu.Lock()
		delete(s.waiting, key)
		s.waitMu.Unlock()
		close(done)
	}()

	resp, code := s.invoke(ctx, ep, req, body)

	// Record the outcome even when the handler's deadline has passed.
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if resp.Status >= 500 || resp.Status == http.StatusTooManyRequests {
		if err := s.cfg.Idempotency.Release(storeCtx, key); err != nil {
			s.log.Error("release idempotency key", "caller", req.Caller, "route", req.Route.Name(), "error", err)
		}
		return resp, code
	}
	if err := s.cfg.Idempotency.Complete(storeCtx, key, resp, s.cfg.IdempotencyTTL); err != nil {
		// The caller still gets this response, but a retry would run the
		// handler again, so the failure needs a look.
		s.log.Error("store idempotent response", "caller", req.Caller, "route", req.Route.Name(), "error", err)
	}

	return resp, code
}

// waitForClaim waits until the request holding key on this server
// finishes, or one poll interval when another server holds it. It returns
// the context's error when ctx ends first.
func (s *Server) waitForClaim(ctx context.Context, key string) error {
	s.waitMu.Lock()
	done := s.waiting[key]
	s.waitMu.Unlock()

	timer := time.NewTimer(idempotencyPoll)
	defer timer.Stop()

	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
		return ctx.Err()
	}

	return nil
}

// problemResponse encodes e as a response from this service.
func (s *Server) problemResponse(e *Error) (StoredResponse, Code) {
	return StoredResponse{Status: e.Status, ContentType: ProblemContentType, Body: encodeProblem(e, s.cfg.Service)}, e.Code
}

// codeOf returns the outcome label of a replayed response.
func codeOf(resp StoredResponse) Code {
	if resp.Status < 400 {
		return outcomeOK
	}
	if p := decodeProblem(resp.Status, resp.ContentType, resp.Body); p.Code.Valid() {
		return p.Code
	}

	return ErrInternal
}
