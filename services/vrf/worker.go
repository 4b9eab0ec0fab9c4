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
		ans, err := s.answerer.answer(c)
		if err != nil {
			s.log.Error("answer request", "request_id", c.ID, "error", err)
			continue
		}
		if err := s.cfg.Fulfiller.Fulfill(ctx, c.ID, ans); err != nil {
			s.log.Warn("send fulfilment, will retry", "request_id", c.ID, "error", err)
			continue
		}
		if err := setState(ctx, s.cfg.DB, c.ID, stateSent, ans.Code, "", "", s.now()); err != nil {
			return err
		}
	}
	return nil
}
