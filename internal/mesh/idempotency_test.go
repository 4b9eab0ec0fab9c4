package mesh

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for stores.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func newTestStore(maxEntries int) (*MemoryStore, *fakeClock) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	m := NewMemoryStore(maxEntries)
	m.now = clock.Now

	return m, clock
}

func TestMemoryStoreReserveComplete(t *testing.T) {
	ctx := context.Background()
	m, _ := newTestStore(0)
	fp := sha256.Sum256([]byte("body"))

	_, reserved, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.True(t, reserved)

	rec, reserved, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.False(t, reserved, "a second claim of an in-flight key")
	require.False(t, rec.Done)
	require.Equal(t, fp, rec.Fingerprint)

	resp := StoredResponse{Status: 200, ContentType: "application/json", Body: []byte(`{}`)}
	require.NoError(t, m.Complete(ctx, "k", resp, time.Hour))

	rec, reserved, err = m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.False(t, reserved)
	require.True(t, rec.Done)
	require.Equal(t, resp, rec.Response)
}

func TestMemoryStoreRelease(t *testing.T) {
	ctx := context.Background()
	m, _ := newTestStore(0)
	fp := sha256.Sum256(nil)
	_, _, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)

	require.NoError(t, m.Release(ctx, "k"))

	_, reserved, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.True(t, reserved, "a released key can be claimed again")
}

func TestMemoryStoreReleaseKeepsDone(t *testing.T) {
	ctx := context.Background()
	m, _ := newTestStore(0)
	fp := sha256.Sum256(nil)
	_, _, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.NoError(t, m.Complete(ctx, "k", StoredResponse{Status: 200}, time.Hour))

	require.NoError(t, m.Release(ctx, "k"))

	rec, reserved, err := m.Reserve(ctx, "k", fp, time.Minute)
	require.NoError(t, err)
	require.False(t, reserved)
	require.True(t, rec.Done)
}

func TestMemoryStoreExpiry(t *testing.T) {
	ctx := context.Background()
	m, clock := newTestStore(0)
	fp := sha256.Sum256(nil)

	_, _, err := m.Reserve(ctx, "stale claim", fp, time.Minute)
	require.NoError(t, err)
	_, _, err = m.Reserve(ctx, "done", fp, time.Minute)
	require.NoError(t, err)
	require.NoError(t, m.Complete(ctx, "done", StoredResponse{Status: 200}, time.Hour))

	clock.now = clock.now.Add(2 * time.Minute)
	_, reserved, err := m.Reserve(ctx, "stale claim", fp, time.Minute)
	require.NoError(t, err)
	require.True(t, reserved, "a claim older than its lock is taken over")
	_, reserved, err = m.Reserve(ctx, "done", fp, time.Minute)
	require.NoError(t, err)
	require.False(t, reserved, "a stored response lives for its ttl")

	clock.now = clock.now.Add(2 * time.Hour)
	_, reserved, err = m.Reserve(ctx, "done", fp, time.Minute)
	require.NoError(t, err)
	require.True(t, reserved, "an expired response is forgotten")
}

func TestMemoryStoreFull(t *testing.T) {
	ctx := context.Background()
	m, clock := newTestStore(1)
	fp := sha256.Sum256(nil)
	_, _, err := m.Reserve(ctx, "a", fp, time.Minute)
	require.NoError(t, err)

	_, _, err = m.Reserve(ctx, "b", fp, time.Minute)
	require.ErrorIs(t, err, ErrStoreFull)

	clock.now = clock.now.Add(2 * time.Minute)
	_, reserved, err := m.Reserve(ctx, "b", fp, time.Minute)
	require.NoError(t, err)
	require.True(t, reserved, "expired entries make room")
}
