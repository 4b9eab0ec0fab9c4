package responder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

// workerPoll bounds how long a claimed request can wait when a wake-up is
// missed, for example when the claim's transaction committed after the
// worker last looked.
const workerPoll = 50 * time.Millisecond

// work starts a goroutine for each request whose next step is due, at
// most Concurrency at once, until ctx ends; then it waits for them. A slow
// answer holds only its own slot, so new requests do not wait behind it.
func (r *Responder) work(ctx context.Context) error {
	tick := time.NewTicker(workerPoll)
	defer tick.Stop()

	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, r.cfg.Concurrency)
	inFlight := &idSet{ids: map[int64]bool{}}

	for {
		for _, state := range []string{stateAnswered, statePending, stateFaulted, stateNotify} {
			reqs, err := loadDue(ctx, r.cfg.DB, state, r.now(), r.cfg.Batch)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Error("load claimed requests", "state", state, "error", err)
				}
				break
			}
			for _, s := range reqs {
				if !inFlight.add(s.ID) {
					continue
				}
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					inFlight.remove(s.ID)
					return nil
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-slots; inFlight.remove(s.ID) }()
					r.process(ctx, s, state)
				}()
			}
		}

		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// process takes one request a step on from its stored state: it answers a
// pending request and stores the signed answer, hands an answered one to
// the sender, and expires a faulted one once it may. On a transient fault
// the request keeps its state and is tried again after a backoff.
func (r *Responder) process(ctx context.Context, s stored, state string) {
	switch state {
	case stateFaulted:
		r.expireFaulted(ctx, s)
		return
	case stateNotify:
		r.notify(ctx, s)
		return
	}
	if state == statePending {
		code, res, err := r.cfg.Answerer.Answer(ctx, s.Request)
		if err != nil {
			r.retryLater(ctx, s, "answer request", err)
			return
		}
		msg := result.Message(r.cfg.Magic, r.cfg.Gateway.Hash(), s.ID, r.cfg.Service, code, res)
		s.Code, s.Result, s.Signature = code, res, result.Sign(r.cfg.SignKey, msg)
		if err := saveAnswer(ctx, r.cfg.DB, s.ID, s.Code, s.Result, s.Signature, r.now()); err != nil {
			r.log.Error("store answer", "request_id", s.ID, "error", err)
			return
		}
		s.Attempts = 0
		r.log.Debug("request answered", "request_id", s.ID, "code", s.Code)
	}

	if err := r.send(ctx, s); err != nil {
		r.handleSendError(ctx, s, err)
		return
	}
	if err := markSent(ctx, r.cfg.DB, s.ID, r.now()); err != nil {
		r.log.Error("mark request sent", "request_id", s.ID, "error", err)
	}
}

// handleSendError settles a request whose fulfil transaction could not be
// built or recorded, or leaves it for a later attempt.
func (r *Responder) handleSendError(ctx context.Context, s stored, sendErr error) {
	if ctx.Err() != nil {
		return
	}
	if errors.Is(sendErr, ErrTooExpensive) {
		r.replaceTooExpensive(ctx, s, sendErr)
		return
	}
	settled, err := r.settleUnsendable(ctx, s.ID)
	if err != nil {
		r.log.Warn("check request status", "request_id", s.ID, "error", err)
	}
	if !settled {
		r.retryLater(ctx, s, "send fulfilment", sendErr)
	}
}

// replaceTooExpensive answers a request whose fulfilment costs more than
// the cap with a failure code instead, which stores no result; when even
// that is too expensive (the callback itself burns the fee), the request
// goes the faulted way and is expired after its expiry height.
func (r *Responder) replaceTooExpensive(ctx context.Context, s stored, cause error) {
	if s.Code != result.Success {
		r.log.Warn("fulfilment too expensive even without a result, request will be expired",
			"request_id", s.ID, "error", cause)
		if err := moveState(ctx, r.cfg.DB, s.ID, stateAnswered, stateFaulted, r.now()); err != nil {
			r.log.Error("mark request faulted", "request_id", s.ID, "error", err)
		}
		return
	}

	limit := int64(DefaultMaxSystemFee)
	var capErr *FeeCapError
	if errors.As(cause, &capErr) {
		limit = capErr.Cap
	}
	reason := []byte(fmt.Sprintf("fulfilment would cost more than the service pays for one request (%d.%08d GAS)",
		limit/100_000_000, limit%100_000_000))
	msg := result.Message(r.cfg.Magic, r.cfg.Gateway.Hash(), s.ID, r.cfg.Service, result.Error, reason)
	sig := result.Sign(r.cfg.SignKey, msg)
	if err := replaceAnswer(ctx, r.cfg.DB, s.ID, result.Error, reason, sig, r.now()); err != nil {
		r.log.Error("replace answer", "request_id", s.ID, "error", err)
		return
	}
	r.log.Warn("fulfilment too expensive, answering with an error instead", "request_id", s.ID, "error", cause)
	r.signal()
}

// expireFaulted expires a request whose fulfilment faulted on chain, once
// its expiry height has passed; until then it waits with a backoff.
func (r *Responder) expireFaulted(ctx context.Context, s stored) {
	settled, err := r.settleUnsendable(ctx, s.ID)
	if err == nil && settled {
		return
	}
	if err == nil {
		err = errors.New("request has not expired yet")
	}
	r.retryLater(ctx, s, "expire request after faulted fulfilment", err)
}

// retryLater records a failed step and schedules the next try with an
// exponential backoff from 100 ms to maxRetryDelay. It logs the first
// failure and then every power-of-two attempt at Warn, the rest at Debug,
// so a stuck request cannot flood the log.
func (r *Responder) retryLater(ctx context.Context, s stored, step string, cause error) {
	if ctx.Err() != nil {
		return
	}
	attempts := s.Attempts + 1
	delay := retryDelay(attempts)
	if errors.Is(cause, ErrBusy) {
		delay = min(delay, time.Second)
	}
	now := r.now()
	if err := deferRetry(ctx, r.cfg.DB, s.ID, attempts, now.Add(delay), step+": "+cause.Error(), now); err != nil {
		r.log.Error("record retry", "request_id", s.ID, "error", err)
	}

	level := slog.LevelDebug
	if attempts&(attempts-1) == 0 {
		level = slog.LevelWarn
	}
	r.log.Log(ctx, level, step+", will retry", "request_id", s.ID, "attempt", attempts,
		"retry_in", delay, "error", cause)
}

// maxRetryDelay caps the backoff between tries of one request.
const maxRetryDelay = time.Minute

func retryDelay(attempts int) time.Duration {
	if attempts > 20 {
		return maxRetryDelay
	}
	return min(100*time.Millisecond<<(attempts-1), maxRetryDelay)
}

// idSet is a set of request ids safe for concurrent use.
type idSet struct {
	mu  sync.Mutex // guards ids
	ids map[int64]bool
}

// add inserts id and reports whether it was absent.
func (s *idSet) add(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	s.ids[id] = true
	return true
}

func (s *idSet) remove(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}
