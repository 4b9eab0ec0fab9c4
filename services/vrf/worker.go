package vrf

import (
	"context"
	"time"
)

// workerPoll bounds how long a claimed request can wait when a wake-up is
// missed, for example when the claim's transaction committed after the
// worker last looked.
const workerPoll = 50 * time.Millisecond

// work answers claimed requests until ctx ends.
func (s *Service) work(ctx context.Context) error {
	tick := time.NewTicker(workerPoll)
	defer tick.Stop()
	for {
		if err := s.answerPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("answer pending requests", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// answerPending answers every claimed request not yet handed to the
// fulfiller. A request whose answer cannot be sent stays pending and is
// tried again on the next pass.
func (s *Service) answerPending(ctx context.Context) error {
	pending, err := loadPending(ctx, s.cfg.DB, s.cfg.Batch)
	if err != nil {
		return err
	}
	for _, c := range pending {
		if !s.retry.due(c.ID, s.now()) {
			continue
		}
		ans, err := s.answerer.answer(c)
		if err != nil {
			s.log.Error("answer request", "request_id", c.ID, "error", err)
			continue
		}
		if err := s.fulfil(ctx, c.ID, ans); err != nil {
			s.handleSendError(ctx, c.ID, ans, err)
			continue
		}
		s.retry.forget(c.ID)
		if err := markSent(ctx, s.cfg.DB, c.ID, ans.Code, s.now()); err != nil {
			return err
		}
	}
	return nil
}

// handleSendError settles a request whose fulfil transaction could not be
// built or recorded, or leaves it pending for the next pass.
func (s *Service) handleSendError(ctx context.Context, id int64, ans answer, sendErr error) {
	settled, err := s.settleUnsendable(ctx, id, ans.Code)
	if err != nil {
		s.log.Warn("check request status", "request_id", id, "error", err)
	}
	if settled {
		s.retry.forget(id)
		return
	}
	wait := s.retry.failed(id, s.now())
	s.log.Warn("send fulfilment, will retry", "request_id", id, "retry_in", wait, "error", sendErr)
}

// retryBackoff spaces out attempts for requests whose fulfilment keeps
// failing, from 100 ms doubling to 30 s, so a stuck request neither floods
// the log nor the node. It is owned by the worker goroutine.
type retryBackoff struct {
	next  map[int64]time.Time
	delay map[int64]time.Duration
}

func newRetryBackoff() *retryBackoff {
	return &retryBackoff{next: map[int64]time.Time{}, delay: map[int64]time.Duration{}}
}

func (b *retryBackoff) due(id int64, now time.Time) bool {
	return !now.Before(b.next[id])
}

func (b *retryBackoff) failed(id int64, now time.Time) time.Duration {
	d := min(max(2*b.delay[id], 100*time.Millisecond), 30*time.Second)
	b.delay[id] = d
	b.next[id] = now.Add(d)
	return d
}

func (b *retryBackoff) forget(id int64) {
	delete(b.next, id)
	delete(b.delay, id)
}
