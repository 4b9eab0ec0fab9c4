//go:build integration

package integration

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// TestAccountPoolErrorReachesVRFLog exhausts the pool and takes the VRF
// service's lease away, so its next fulfilment fails in AccountPool. The
// VRF log must carry the whole chain: its own step, the upstream, route
// and stable code. When accounts are free again the request is fulfilled.
func TestAccountPoolErrorReachesVRFLog(t *testing.T) {
	logs := &syncBuffer{}
	stack, dataDir := startStackIn(t, t.TempDir(), 100*time.Millisecond, logs)
	ctx := context.Background()

	// Act as the vrf service: the dev CA in the data directory issues its
	// certificate, as it does for the stack.
	pool := poolAsVRF(t, stack, dataDir)
	balances, err := pool.Balances(ctx, false)
	require.NoError(t, err)
	var vrfLeases []string
	for _, b := range balances {
		if b.Holder == "vrf" && b.LeaseID != "" {
			vrfLeases = append(vrfLeases, b.LeaseID)
		}
	}
	require.NotEmpty(t, vrfLeases, "the VRF service holds no lease")

	// Lease every free account, take the VRF lease away, and lease the
	// accounts it freed too.
	hogs := exhaustPool(t, pool)
	for _, id := range vrfLeases {
		require.NoError(t, pool.Release(ctx, id))
	}
	hogs = append(hogs, exhaustPool(t, pool)...)

	id := requestLottery(t, stack)
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "accountpool POST /v1/leases: pool_exhausted (409)")
	}, 10*time.Second, 20*time.Millisecond, "pool error not in the VRF log:\n%s", logs.String())
	line := lineWith(logs.String(), "pool_exhausted")
	require.Contains(t, line, "component=vrf")
	require.Contains(t, line, "request_id=")
	require.Contains(t, line, "build fulfill through accountpool: lease accounts:")

	for _, h := range hogs {
		require.NoError(t, pool.Release(ctx, h))
	}
	gw := binding.NewGateway(invoker.New(stack.Chain().Client(), nil), hashOf(t, stack.Info().Gateway))
	require.Eventually(t, func() bool {
		status, err := gw.Status(id)
		return err == nil && status == binding.StatusFulfilled
	}, 20*time.Second, 50*time.Millisecond, "request %d not fulfilled after the pool had accounts again", id)
}

// poolAsVRF returns an AccountPool client with the vrf service's identity.
func poolAsVRF(t *testing.T, stack *devstack.Stack, dataDir string) *poolapi.Client {
	t.Helper()
	ca, err := mesh.NewDevCA(filepath.Join(dataDir, "mesh"))
	require.NoError(t, err)
	cert, err := ca.IssueCert("vrf")
	require.NoError(t, err)
	resolver, err := mesh.NewStaticResolver(map[string]string{poolapi.ServiceName: stack.MeshAddr(poolapi.ServiceName)})
	require.NoError(t, err)
	client, err := mesh.NewClient(mesh.ClientConfig{Service: "vrf", Certificate: cert, Roots: ca.Roots(), Resolver: resolver})
	require.NoError(t, err)
	return poolapi.NewClient(client)
}

// requestLottery sends lottery.requestRandom(2) as the dev user and
// returns the request id.
func requestLottery(t *testing.T, stack *devstack.Stack) int64 {
	t.Helper()
	user, err := stack.Chain().Account(stack.Info().UserAccount)
	require.NoError(t, err)
	act, err := actor.NewSimple(stack.Chain().Client(), user)
	require.NoError(t, err)

	h, vub, err := act.SendCall(hashOf(t, stack.Info().Lottery), "requestRandom", 2)
	aer, err := act.Wait(context.Background(), h, vub, err)
	require.NoError(t, err)
	for _, ev := range aer.Events {
		if ev.Name == binding.EventRequestCreated {
			rc, err := binding.ParseRequestCreated(ev.Item)
			require.NoError(t, err)
			return rc.ID
		}
	}
	t.Fatal("requestRandom emitted no RequestCreated")
	return 0
}

// exhaustPool leases single accounts until the pool has none left and
// returns the lease ids.
func exhaustPool(t *testing.T, pool *poolapi.Client) []string {
	t.Helper()
	var ids []string
	for {
		lease, err := pool.Lease(context.Background(), "exhaust the pool", 1, time.Minute)
		if err != nil {
			require.ErrorIs(t, err, poolapi.ErrPoolExhausted)
			return ids
		}
		ids = append(ids, lease.ID)
	}
}

func lineWith(text, substr string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, substr) {
			return line
		}
	}
	return ""
}
