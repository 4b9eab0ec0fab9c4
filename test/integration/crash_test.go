//go:build integration

package integration

import (
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
)

const crashBlockTime = 200 * time.Millisecond

// TestKillRestartFulfilsEachOnce sends lottery requests to a real dev
// process, SIGKILLs it while they are pending, restarts it on the same
// data directory, and checks that every request on the chain is fulfilled
// exactly once.
func TestKillRestartFulfilsEachOnce(t *testing.T) {
	dir := t.TempDir()
	p := startDev(t, dir, crashBlockTime)
	gateway := hashOf(t, p.info.Gateway)
	lottery := hashOf(t, p.info.Lottery)
	user := devAccount(t, dir, p.info.UserAccount)

	// Round 1: kill as soon as the requests are in a block, before the
	// service has answered them.
	client := p.connect(t)
	sent := sendRequests(t, client, user, lottery, 8)
	waitIncluded(t, client, sent...)
	pending := pendingAmong(t, client, gateway)
	p.kill()
	require.Positive(t, pending, "no request was pending just before the kill")

	// Round 2: kill half a block after inclusion, when the fulfilments are
	// recorded and relayed but not yet in a block.
	p = startDev(t, dir, crashBlockTime)
	client = p.connect(t)
	sent = sendRequests(t, client, user, lottery, 8)
	waitIncluded(t, client, sent...)
	time.Sleep(crashBlockTime / 2)
	p.kill()

	p = startDev(t, dir, crashBlockTime)
	client = p.connect(t)
	created := waitAllFulfilled(t, client, gateway)
	require.Len(t, created, 16, "every request was in a block before its kill")
	t.Logf("%d requests on chain after two kills, all fulfilled", len(created))

	fulfilled := countEvents(t, client, gateway, binding.EventRequestFulfilled)
	for id := range created {
		require.Equal(t, 1, fulfilled[id], "request %d fulfilled %d times", id, fulfilled[id])
	}
	for id := range fulfilled {
		require.Contains(t, created, id, "fulfilment for request %d that was never created", id)
	}
	received := countEvents(t, client, lottery, "RandomReceived")
	for id := range created {
		require.Equal(t, 1, received[id], "lottery callback for request %d ran %d times", id, received[id])
	}
}

func hashOf(t *testing.T, s string) util.Uint160 {
	t.Helper()
	h, err := binding.ParseHash160(s)
	require.NoError(t, err)
	return h
}

// sendRequests sends n requestRandom calls without waiting for them.
func sendRequests(t *testing.T, client *rpcclient.Client, user *wallet.Account, lottery util.Uint160, n int) []util.Uint256 {
	t.Helper()
	act, err := actor.NewSimple(client, user)
	require.NoError(t, err)
	var hashes []util.Uint256
	for i := range n {
		h, _, err := act.SendCall(lottery, "requestRandom", int64(1+i%3))
		require.NoError(t, err)
		hashes = append(hashes, h)
	}
	return hashes
}

func waitIncluded(t *testing.T, client blockNotifier, hashes ...util.Uint256) {
	t.Helper()
	for _, h := range hashes {
		require.Eventually(t, func() bool {
			_, err := client.GetTransactionHeight(h)
			return err == nil
		}, 10*time.Second, 5*time.Millisecond, "tx %s not included", h.StringLE())
	}
}

// pendingAmong counts the Gateway's requests that are still pending.
func pendingAmong(t *testing.T, client blockNotifier, gateway util.Uint160) int {
	t.Helper()
	gw := binding.NewGateway(invoker.New(client, nil), gateway)
	pending := 0
	for id := range countEvents(t, client, gateway, binding.EventRequestCreated) {
		status, err := gw.Status(id)
		require.NoError(t, err)
		if status == binding.StatusPending {
			pending++
		}
	}
	return pending
}

// blockNotifier is the RPC the event scans use; *rpcclient.Client and
// *rpcclient.WSClient implement it.
type blockNotifier interface {
	invoker.RPCInvoke
	GetBlockCount() (uint32, error)
	GetBlockHash(index uint32) (util.Uint256, error)
	GetBlockNotifications(util.Uint256, *neorpc.NotificationFilter) (*result.BlockNotifications, error)
	GetTransactionHeight(util.Uint256) (uint32, error)
}

// waitAllFulfilled waits until every request the Gateway emitted is
// fulfilled and returns their ids.
func waitAllFulfilled(t *testing.T, client blockNotifier, gateway util.Uint160) map[int64]bool {
	t.Helper()
	gw := binding.NewGateway(invoker.New(client, nil), gateway)
	var created map[int64]bool
	var pending []int64
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		created = map[int64]bool{}
		for id := range countEvents(t, client, gateway, binding.EventRequestCreated) {
			created[id] = true
		}
		pending = pending[:0]
		for id := range created {
			status, err := gw.Status(id)
			require.NoError(t, err)
			if status != binding.StatusFulfilled {
				pending = append(pending, id)
			}
		}
		if len(pending) == 0 {
			return created
		}
		time.Sleep(crashBlockTime)
	}
	t.Fatalf("requests still not fulfilled after 60s: %v", pending)
	return nil
}

// countEvents scans every block for the contract's events called name and
// counts them by request id (the first event argument).
func countEvents(t *testing.T, client blockNotifier, contract util.Uint160, name string) map[int64]int {
	t.Helper()
	count, err := client.GetBlockCount()
	require.NoError(t, err)
	out := map[int64]int{}
	for h := range count {
		hash, err := client.GetBlockHash(h)
		require.NoError(t, err)
		notes, err := client.GetBlockNotifications(hash, &neorpc.NotificationFilter{Contract: &contract, Name: &name})
		require.NoError(t, err)
		for _, n := range notes.Application {
			args := n.Item.Value().([]stackitem.Item)
			id, err := args[0].TryInteger()
			require.NoError(t, err, "%s in block %d", name, h)
			out[id.Int64()]++
		}
	}
	return out
}
