package responder

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// leaderPoll is how often a standby replica tries to become the leader,
// which bounds the takeover time after a leader dies.
const leaderPoll = time.Second

// runListener runs the chain listener, which is singleton work: on
// PostgreSQL, where replicas share a database, only the replica holding the
// service's advisory lock listens, and a standby takes over within
// leaderPoll once the leader's connection drops. The other steps run on
// every replica, since their database writes are safe side by side. Two
// listeners at once would still claim each event once, because the cursor
// moves only by compare-and-set; the lock saves the duplicated work.
func (r *Responder) runListener(ctx context.Context) error {
	if r.cfg.DB.Driver() != store.DriverPostgres {
		return r.listener.Run(ctx)
	}

	key := lockKey(r.cfg.Service + "/listener")
	tick := time.NewTicker(leaderPoll)
	defer tick.Stop()
	standby := time.Now()
	for {
		release, ok, err := r.cfg.DB.TryLock(ctx, key)
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			r.log.Warn("try listener lock", "error", err)
		case ok:
			r.log.Info("listener leadership taken", "standby_for", time.Since(standby).Round(time.Millisecond))
			err := r.listener.Run(ctx)
			release()
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// lockKey maps a name to an advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}
