package responder

import (
	"context"
	"sync"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

// workerPoll bounds how long a claimed request can wait when a wake-up is
// missed, for example when the claim's transaction committed after the
// worker last looked.
const workerPoll = 50 * time.Millisecond

// work starts a goroutine for each claimed request not yet in hand, at
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
		for _, state := range []string{stateAnswered, statePending} {
			reqs, err := loadByState(ctx, r.cfg.DB, state, r.cfg.Batch)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Error("load claimed requests", "state", state, "error", err)
				}
				break
			}
			for _, s := range reqs {
				if !r.retry.due(s.ID, r.now()) || !inFlight.add(s.ID) {
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

// process takes one request from its stored state to sent: it answers a
// pending request and stores the signed answer, then hands it to the
// sender. On a transient fault the request keeps its state and is retried
// after a backoff.
func (r *Responder) process(ctx context.Context, s stored, state string) {
	if state == statePending {
		code, res, err := r.cfg.Answerer.Answer(ctx, s.Request)
		if err != nil {
			if ctx.Err() == nil {
				wait := r.retry.failed(s.ID, r.now())
				r.log.Warn("answer request, will retry", "request_id", s.ID, "retry_in", wait, "error", err)
			}
			return
		}
		msg := result.Message(r.cfg.Magic, r.cfg.Gateway.Hash(), s.ID, r.cfg.Service, code, res)
		s.Code, s.Result, s.Signature = code, res, result.Sign(r.cfg.SignKey, msg)
		if err := saveAnswer(ctx, r.cfg.DB, s.ID, s.Code, s.Result, s.Signature, r.now()); err != nil {
			r.log.Error("store answer", "request_id", s.ID, "error", err)
			return
		}
		r.log.Debug("request answered", "request_id", s.ID, "code", s.Code)
	}

	if err := r.send(ctx, s); err != nil {
		r.handleSendError(ctx, s, err)
		return
	}
	r.retry.forget(s.ID)
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
	settled, err := r.settleUnsendable(ctx, s.ID)
	if err != nil {
		r.log.Warn("check request status", "request_id", s.ID, "error", err)
	}
	if settled {
		r.retry.forget(s.ID)
		return
	}
	wait := r.retry.failed(s.ID, r.now())
	r.log.Warn("send fulfilment, will retry", "request_id", s.ID, "retry_in", wait, "error", sendErr)
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

// retryBackoff spaces out attempts for requests that keep failing, from
// 100 ms doubling to 30 s, so a stuck request floods neither the log nor
// the node. It is safe for concurrent use.
type retryBackoff struct {
	mu    sync.Mutex // guards next and delay
	next  map[int64]time.Time
	delay map[int64]time.Duration
}

func newRetryBackoff() *retryBackoff {
	return &retryBackoff{next: map[int64]time.Time{}, delay: map[int64]time.Duration{}}
}

func (b *retryBackoff) due(id int64, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !now.Before(b.next[id])
}

func (b *retryBackoff) failed(id int64, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := min(max(2*b.delay[id], 100*time.Millisecond), 30*time.Second)
	b.delay[id] = d
	b.next[id] = now.Add(d)
	return d
}

func (b *retryBackoff) forget(id int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.next, id)
	delete(b.delay, id)
}
