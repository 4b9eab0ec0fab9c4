//go:build integration

package integration

import (
	"context"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// TestAccountPoolRestartMidLoad restarts AccountPool (stopped, its
// database closed, rebuilt from the data directory) while lottery requests
// stream in. Every request must be fulfilled exactly once, and a lease
// whose TTL passes during the outage must not stay held.
func TestAccountPoolRestartMidLoad(t *testing.T) {
	const blockTime = 100 * time.Millisecond
	stack, dataDir := startStackIn(t, t.TempDir(), blockTime, &syncBuffer{})
	ctx := context.Background()
	client := stack.Chain().Client()
	gateway := hashOf(t, stack.Info().Gateway)
	lottery := hashOf(t, stack.Info().Lottery)

	pool := poolAsVRF(t, stack, dataDir)
	short, err := pool.Lease(ctx, "expires during the restart", 1, 2*time.Second)
	require.NoError(t, err)

	user, err := stack.Chain().Account(stack.Info().UserAccount)
	require.NoError(t, err)
	act, err := actor.NewSimple(client, user)
	require.NoError(t, err)
	var sent []util.Uint256
	send := func(n int) {
		for i := range n {
			h, _, err := act.SendCall(lottery, "requestRandom", int64(1+i%3))
			require.NoError(t, err)
			sent = append(sent, h)
		}
	}

	send(15)
	time.Sleep(blockTime * 3 / 2)
	require.NoError(t, stack.RestartService(ctx, poolapi.ServiceName))
	send(15)
	waitIncluded(t, client, sent...)

	created := waitAllFulfilled(t, client, gateway)
	require.Len(t, created, 30)
	fulfilled := countEvents(t, client, gateway, binding.EventRequestFulfilled)
	for id := range created {
		require.Equal(t, 1, fulfilled[id], "request %d fulfilled %d times", id, fulfilled[id])
	}

	// The restarted pool's sweeper frees the short lease once its TTL has
	// passed (sweeps run every 5 s by default).
	pool = poolAsVRF(t, stack, dataDir)
	require.Eventually(t, func() bool {
		balances, err := pool.Balances(ctx, false)
		require.NoError(t, err)
		for _, b := range balances {
			if b.LeaseID == short.ID {
				return false
			}
		}
		return true
	}, 15*time.Second, 100*time.Millisecond, "lease %s still held after its TTL", short.ID)
	require.ErrorIs(t, pool.Release(ctx, short.ID), nil, "releasing an ended lease succeeds")
}
