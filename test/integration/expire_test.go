//go:build integration

package integration

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
)

// consumerModeAbort makes the test consumer's callback ABORT, which no
// contract can catch, so every fulfil of its requests faults.
const consumerModeAbort = 2

// TestAbortingCallbackExpiresWithoutBlockingOthers requests randomness for
// a consumer whose callback aborts. The request cannot be fulfilled; it
// must end expired after its expiry height instead of staying pending, and
// other requests must be fulfilled meanwhile.
func TestAbortingCallbackExpiresWithoutBlockingOthers(t *testing.T) {
	logs := &syncBuffer{}
	stack, _ := startStackIn(t, t.TempDir(), 100*time.Millisecond, logs)
	ctx := context.Background()
	gateway := hashOf(t, stack.Info().Gateway)

	consumer := deployTestConsumer(t, stack.Chain(), gateway)
	_, err := stack.Chain().Invoke(ctx, consumer, "setMode", consumerModeAbort)
	require.NoError(t, err)

	user, err := stack.Chain().Account(stack.Info().UserAccount)
	require.NoError(t, err)
	act, err := actor.NewSimple(stack.Chain().Client(), user)
	require.NoError(t, err)
	h, vub, err := act.SendCall(gateway, "request", "vrf", []byte(`{"words":1}`), consumer, "onResult")
	aer, err := act.Wait(ctx, h, vub, err)
	require.NoError(t, err)
	stuck := requestIDFrom(t, aer.Events)

	other := requestLottery(t, stack)
	gw := binding.NewGateway(invoker.New(stack.Chain().Client(), nil), gateway)
	require.Eventually(t, func() bool {
		status, err := gw.Status(other)
		return err == nil && status == binding.StatusFulfilled
	}, 10*time.Second, 50*time.Millisecond, "a request behind the stuck one was not fulfilled")

	require.Eventually(t, func() bool {
		status, err := gw.Status(stuck)
		return err == nil && status == binding.StatusExpired
	}, 90*time.Second, 200*time.Millisecond, "request %d with an aborting callback never expired", stuck)
	req, err := gw.Request(stuck)
	require.NoError(t, err)
	require.EqualValues(t, 0x23, req.Code)
	require.False(t, req.CallbackOK, "an aborting callback cannot have succeeded")
	require.Contains(t, logs.String(), "request expired on chain")
}

// deployTestConsumer compiles the Gateway's test consumer and deploys it
// from the committee with gateway as its deploy data.
func deployTestConsumer(t *testing.T, ch *devnet.Chain, gateway util.Uint160) util.Uint160 {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "contracts", "gateway", "testdata", "consumer")
	c := neotest.CompileFile(t, ch.CommitteeHash(), filepath.Join(dir, "consumer.go"), filepath.Join(dir, "consumer.yml"))

	h, err := ch.Deploy(context.Background(), "test consumer", c.NEF, c.Manifest, gateway)
	require.NoError(t, err)
	return h
}

// requestIDFrom returns the id of the RequestCreated event among events.
func requestIDFrom(t *testing.T, events []state.NotificationEvent) int64 {
	t.Helper()
	for _, ev := range events {
		if ev.Name == binding.EventRequestCreated {
			rc, err := binding.ParseRequestCreated(ev.Item)
			require.NoError(t, err)
			return rc.ID
		}
	}
	t.Fatal("no RequestCreated event")
	return 0
}
