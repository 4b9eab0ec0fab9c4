package mesh

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReplayCacheRejectsRepeat(t *testing.T) {
	c := newReplayCache(10)
	now := time.Unix(1000, 0)

	fresh, full := c.add("vrf\x00n1", now.Add(time.Minute), now)
	require.True(t, fresh)
	require.False(t, full)

	fresh, full = c.add("vrf\x00n1", now.Add(time.Minute), now.Add(time.Second))
	require.False(t, fresh)
	require.False(t, full)
}

func TestReplayCacheForgetsExpired(t *testing.T) {
	c := newReplayCache(10)
	now := time.Unix(1000, 0)
	c.add("k", now.Add(time.Second), now)

	fresh, _ := c.add("k", now.Add(time.Minute), now.Add(2*time.Second))
	require.True(t, fresh, "an expired nonce is no longer remembered")
}

func TestReplayCacheFull(t *testing.T) {
	c := newReplayCache(2)
	now := time.Unix(1000, 0)
	c.add("a", now.Add(time.Minute), now)
	c.add("b", now.Add(time.Minute), now)

	fresh, full := c.add("c", now.Add(time.Minute), now)
	require.False(t, fresh)
	require.True(t, full)

	// Once entries expire, a sweep makes room again.
	later := now.Add(2 * time.Minute)
	fresh, full = c.add("c", later.Add(time.Minute), later)
	require.True(t, fresh)
	require.False(t, full)
	require.Len(t, c.seen, 1)
}
