package mesh

import (
	"sync"
	"time"
)

// replayCache remembers the nonces of accepted signatures until their
// timestamps fall out of the accepted skew, after which the freshness
// check alone rejects them. It is bounded: when full of live entries it
// reports so and the server rejects the request with 503 rather than
// forget a nonce early.
//
// TODO: the cache lives in one process, so a signed request captured on
// the wire could be replayed once to another replica of the same service
// within the skew window. A shared cache (the database) would close this.
type replayCache struct {
	max int

	mu sync.Mutex // guards seen, lastSweep and nextSweep
	// seen maps caller+nonce to the time the entry may be dropped.
	seen      map[string]time.Time
	lastSweep time.Time
	nextSweep time.Time
}

func newReplayCache(maxEntries int) *replayCache {
	return &replayCache{max: maxEntries, seen: make(map[string]time.Time)}
}

// add records key until expires. It returns fresh=false if key is already
// recorded and full=true if the cache has no room.
func (c *replayCache) add(key string, expires, now time.Time) (fresh, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if exp, ok := c.seen[key]; ok && now.Before(exp) {
		return false, false
	}
	// A full cache is swept at most once a second, so a flood of new
	// nonces does not make every request scan the whole map.
	full = len(c.seen) >= c.max
	if now.After(c.nextSweep) || (full && now.Sub(c.lastSweep) >= time.Second) {
		c.sweep(now)
	}
	if len(c.seen) >= c.max {
		return false, true
	}
	c.seen[key] = expires

	return true, false
}

// sweep drops expired entries. The caller holds c.mu.
func (c *replayCache) sweep(now time.Time) {
	for key, exp := range c.seen {
		if !now.Before(exp) {
			delete(c.seen, key)
		}
	}
	c.lastSweep = now
	c.nextSweep = now.Add(MaxSignatureSkew)
}
