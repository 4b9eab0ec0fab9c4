package mesh

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrStoreFull is returned by a bounded IdempotencyStore with no room left
// for a new key. The server responds with 503 unavailable.
var ErrStoreFull = errors.New("idempotency store full")

// StoredResponse is a response kept for replay to repeated requests.
type StoredResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyRecord is the state of one key in an IdempotencyStore.
type IdempotencyRecord struct {
	// Fingerprint is the SHA-256 of the first request's body.
	Fingerprint [32]byte
	// Done is set once the first request finished with a response worth
	// replaying. Until then the key is in flight.
	Done bool
	// Response is the first request's response when Done is set.
	Response StoredResponse
}

// IdempotencyStore keeps the responses of requests that carried an
// Idempotency-Key. The server builds the store key from the caller, the
// route and the header, so a store receives only opaque strings. A service
// that must de-duplicate across restarts or replicas passes a durable
// implementation; MemoryStore is the default. Implementations must be
// safe for concurrent use.
type IdempotencyStore interface {
	// Reserve claims key for a request whose body has fingerprint. When
	// the key is absent, expired, or claimed by a request that started
	// more than lock ago (so its server probably died), Reserve records a
	// new in-flight claim and returns reserved=true. Otherwise it returns
	// the existing record and reserved=false.
	Reserve(ctx context.Context, key string, fingerprint [32]byte, lock time.Duration) (
		rec IdempotencyRecord, reserved bool, err error)
	// Complete stores the response of a claimed key and keeps it for ttl.
	// NOTE: Complete and Release carry no claim token, so a server whose
	// claim was taken over can still overwrite the new owner's record.
	// The server's lock outlasts the route's timeout by a minute, so only
	// a handler that ignores its context can run that long.
	Complete(ctx context.Context, key string, resp StoredResponse, ttl time.Duration) error
	// Release drops an in-flight claim, so that the next request with the
	// key runs the handler again. The server calls it after a response
	// that is not worth replaying, such as a 5xx.
	Release(ctx context.Context, key string) error
}

// DefaultMemoryStoreEntries is the capacity of a MemoryStore built with
// a capacity of zero.
const DefaultMemoryStoreEntries = 100_000

// MemoryStore is an in-memory IdempotencyStore whose entries expire. It
// loses every entry when the process restarts. It is safe for concurrent
// use.
type MemoryStore struct {
	max int
	now func() time.Time

	mu sync.Mutex // guards entries, lastSweep and nextSweep
	// entries maps a store key to its record and expiry.
	entries   map[string]memoryEntry
	lastSweep time.Time
	nextSweep time.Time
}

type memoryEntry struct {
	rec     IdempotencyRecord
	expires time.Time
}

var _ IdempotencyStore = (*MemoryStore)(nil)

// NewMemoryStore returns a store holding at most maxEntries keys (default
// DefaultMemoryStoreEntries when maxEntries is zero or less). Reserve
// returns ErrStoreFull when every entry is still live.
func NewMemoryStore(maxEntries int) *MemoryStore {
	if maxEntries <= 0 {
		maxEntries = DefaultMemoryStoreEntries
	}

	return &MemoryStore{max: maxEntries, now: time.Now, entries: make(map[string]memoryEntry)}
}

// Reserve implements IdempotencyStore.
func (m *MemoryStore) Reserve(_ context.Context, key string, fingerprint [32]byte, lock time.Duration) (
	IdempotencyRecord, bool, error,
) {
	now := m.now()

	m.mu.Lock()
	defer m.mu.Unlock()

	if e, ok := m.entries[key]; ok && now.Before(e.expires) {
		return e.rec, false, nil
	}

	// A full store is swept at most once a second, so a flood of new keys
	// does not make every request scan the whole map.
	full := len(m.entries) >= m.max
	if now.After(m.nextSweep) || (full && now.Sub(m.lastSweep) >= time.Second) {
		m.sweep(now)
	}
	if len(m.entries) >= m.max {
		return IdempotencyRecord{}, false, ErrStoreFull
	}
	m.entries[key] = memoryEntry{rec: IdempotencyRecord{Fingerprint: fingerprint}, expires: now.Add(lock)}

	return IdempotencyRecord{Fingerprint: fingerprint}, true, nil
}

// Complete implements IdempotencyStore.
func (m *MemoryStore) Complete(_ context.Context, key string, resp StoredResponse, ttl time.Duration) error {
	now := m.now()

	m.mu.Lock()
	defer m.mu.Unlock()

	e := m.entries[key]
	e.rec.Done = true
	e.rec.Response = resp
	e.expires = now.Add(ttl)
	m.entries[key] = e

	return nil
}

// Release implements IdempotencyStore.
func (m *MemoryStore) Release(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	if e, ok := m.entries[key]; ok && !e.rec.Done {
		delete(m.entries, key)
	}

	return nil
}

// sweep drops expired entries. The caller holds m.mu.
func (m *MemoryStore) sweep(now time.Time) {
	for key, e := range m.entries {
		if !now.Before(e.expires) {
			delete(m.entries, key)
		}
	}
	m.lastSweep = now
	m.nextSweep = now.Add(time.Minute)
}
