package gateway_test

import (
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// Test consumer callback modes, as in testdata/consumer.
const (
	modeAccept    = 0
	modeThrow     = 1
	modeAbort     = 2
	modeRedeliver = 3
	modeBurn      = 4
)

func (env *consumerEnv) setMode(t *testing.T, mode int) {
	t.Helper()

	env.consumerInvoker().Invoke(t, stackitem.Null{}, "setMode", mode)
}

func TestFailedCallbackKeepsFulfilment(t *testing.T) {
	env := newConsumerEnv(t, 0)
	env.setMode(t, modeThrow)
	id := env.request(t)
	res := vrfResult(3)

	aer := env.Fulfill(t, id, result.Success, res)

	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(0), stackitem.Make(false)}, fulfilled)
	require.Len(t, aer.Events, 1, "the callback's notifications are rolled back")
	require.Equal(t, int64(statusFulfilled), env.status(t, id))
	fields := env.storedRequest(t, id)
	require.Equal(t, stackitem.Make(false), fields[fieldCallbackOK], "callbackOK")
	requireBytes(t, res, fields[fieldResult], "result")

	// The callback wrote to storage before it threw. The write is undone.
	require.Equal(t, stackitem.Null{}, call(t, env.consumerInvoker(), "scratch"))
	requireInt(t, 0, call(t, env.consumerInvoker(), "deliveries"), "deliveries")
}

func TestRedeliverSameResult(t *testing.T) {
	env := newConsumerEnv(t, 0)
	env.setMode(t, modeThrow)
	id := env.request(t)
	res := vrfResult(3)
	env.Fulfill(t, id, result.Success, res)

	// Still throwing: the attempt is recorded and may be repeated.
	tx := env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	redelivered := gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "CallbackRedelivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(false)}, redelivered)

	env.setMode(t, modeAccept)
	tx = env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	aer := env.AppExec(t, tx)
	delivered := gatewaytest.Event(t, aer, env.consumer, "Delivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(0), stackitem.Make(res)}, delivered)
	redelivered = gatewaytest.Event(t, aer, env.Gateway, "CallbackRedelivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(true)}, redelivered)

	fields := env.storedRequest(t, id)
	require.Equal(t, stackitem.Make(true), fields[fieldCallbackOK], "callbackOK")
	requireBytes(t, res, fields[fieldResult], "result")
	requireInt(t, 1, call(t, env.consumerInvoker(), "deliveries"), "deliveries")

	gatewaytest.InvokeFail(t, env.UserInvoker(), "callback already succeeded", "redeliver", id)
}

func TestRedeliverTakesNoNewResult(t *testing.T) {
	env := newConsumerEnv(t, 0)
	env.setMode(t, modeThrow)
	id := env.request(t)
	env.Fulfill(t, id, result.Success, vrfResult(3))
	other := vrfResult(2)

	// A failed callback does not reopen the request for a new result, and
	// redeliver has no parameter that could carry one.
	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "request is not pending",
		"fulfill", id, 0, other, env.Sign(id, result.Success, other))
	tx := env.UserInvoker().PrepareInvoke(t, "redeliver", id, other)
	env.AddNewBlock(t, tx)
	env.CheckFault(t, tx.Hash(), "method not found: redeliver/2")
}

func TestRedeliverRejects(t *testing.T) {
	env := newConsumerEnv(t, 0)
	pending := env.request(t)
	delivered := env.request(t)
	env.Fulfill(t, delivered, result.Success, vrfResult(3))

	tests := []struct {
		name string
		id   int64
		want string
	}{
		{name: "unknown request", id: 99, want: "unknown request"},
		{name: "pending request", id: pending, want: "request is pending"},
		{name: "delivered request", id: delivered, want: "callback already succeeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, env.UserInvoker(), tc.want, "redeliver", tc.id)
		})
	}
}

func TestCallbackReentersRedeliver(t *testing.T) {
	env := newConsumerEnv(t, 0)
	env.setMode(t, modeRedeliver)
	id := env.request(t)

	// The nested redeliver fails because callbackOK is already set during the
	// call, so the callback throws and the Gateway records the failure.
	aer := env.Fulfill(t, id, result.Success, vrfResult(3))
	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, stackitem.Make(false), fulfilled[2])
	requireInt(t, 0, call(t, env.consumerInvoker(), "deliveries"), "deliveries")

	env.setMode(t, modeAccept)
	env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	requireInt(t, 1, call(t, env.consumerInvoker(), "deliveries"), "deliveries")
}

// cappedTx returns a Gateway transaction for method with a fixed system fee
// of 1 GAS. Tests use it where a fee estimate would go wrong: a callback
// that loops forever makes the estimate run without end, because the test
// VM has no GAS limit, and the estimate of a transaction that follows others
// in one block runs against the state before that block.
func (env *consumerEnv) cappedTx(t *testing.T, signers []neotest.Signer, method string, args ...any) *transaction.Transaction {
	t.Helper()

	tx := env.NewUnsignedTx(t, env.Gateway, method, args...)
	return env.SignTx(t, tx, 100_000_000, signers...)
}

// TestUncatchableCallbackFailure pins a known limit and its way out: an
// ABORT or running out of GAS cannot be caught, so every fulfill of the
// request faults, but expire makes no call and closes the request.
func TestUncatchableCallbackFailure(t *testing.T) {
	tests := []struct {
		name string
		mode int
	}{
		{name: "abort", mode: modeAbort},
		{name: "out of gas", mode: modeBurn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newConsumerEnv(t, 2)
			env.setMode(t, tc.mode)
			id := env.request(t)
			res := vrfResult(3)

			fulfill := env.cappedTx(t, []neotest.Signer{env.User, env.ServiceSigner},
				"fulfill", id, 0, res, env.Sign(id, result.Success, res))
			env.AddNewBlock(t, fulfill)
			require.Equal(t, vmstate.Fault, env.AppExec(t, fulfill.Hash()).VMState, "fulfill state")
			require.Equal(t, int64(statusPending), env.status(t, id))

			env.AddNewBlock(t)
			expire := env.UserInvoker().Invoke(t, stackitem.Null{}, "expire", id)
			gatewaytest.Event(t, env.AppExec(t, expire), env.Gateway, "RequestExpired")
			require.Equal(t, int64(statusExpired), env.status(t, id))

			// Delivering the expiry faults the same way and changes nothing.
			redeliver := env.cappedTx(t, []neotest.Signer{env.User}, "redeliver", id)
			env.AddNewBlock(t, redeliver)
			require.Equal(t, vmstate.Fault, env.AppExec(t, redeliver.Hash()).VMState, "redeliver state")
			require.Equal(t, int64(statusExpired), env.status(t, id))
			require.Equal(t, stackitem.Make(false), env.storedRequest(t, id)[fieldCallbackOK], "callbackOK")
		})
	}
}

func TestExpire(t *testing.T) {
	env := newConsumerEnv(t, 2)
	id := env.request(t)
	gatewaytest.InvokeFail(t, env.UserInvoker(), "request has not expired", "expire", id)
	env.AddNewBlock(t)

	tx := env.UserInvoker().Invoke(t, stackitem.Null{}, "expire", id)
	aer := env.AppExec(t, tx)
	require.Equal(t, []stackitem.Item{stackitem.Make(id)}, gatewaytest.Event(t, aer, env.Gateway, "RequestExpired"))
	require.Len(t, aer.Events, 1, "expire calls no callback")
	requireInt(t, 0, call(t, env.consumerInvoker(), "deliveries"), "deliveries")

	require.Equal(t, int64(statusExpired), env.status(t, id))
	fields := env.storedRequest(t, id)
	requireInt(t, int64(result.Expired), fields[fieldCode], "code")
	requireBytes(t, []byte{}, fields[fieldResult], "result")
	requireInt(t, int64(env.Chain.BlockHeight()), fields[fieldFulfilledBlock], "fulfilledBlock")
	require.Equal(t, stackitem.Make(false), fields[fieldCallbackOK], "callbackOK")

	gatewaytest.InvokeFail(t, env.UserInvoker(), "request is not pending", "expire", id)
	res := vrfResult(3)
	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "request is not pending",
		"fulfill", id, 0, res, env.Sign(id, result.Success, res))
}

func TestRedeliverAfterExpire(t *testing.T) {
	env := newConsumerEnv(t, 1)
	id := env.request(t)
	env.AddNewBlock(t)
	env.UserInvoker().Invoke(t, stackitem.Null{}, "expire", id)

	tx := env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	aer := env.AppExec(t, tx)
	delivered := gatewaytest.Event(t, aer, env.consumer, "Delivered")
	want := []stackitem.Item{stackitem.Make(id), stackitem.Make(int64(result.Expired)), stackitem.Make([]byte{})}
	require.Equal(t, want, delivered)
	redelivered := gatewaytest.Event(t, aer, env.Gateway, "CallbackRedelivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(true)}, redelivered)

	require.Equal(t, int64(statusExpired), env.status(t, id))
	require.Equal(t, stackitem.Make(true), env.storedRequest(t, id)[fieldCallbackOK], "callbackOK")
	requireInt(t, 1, call(t, env.consumerInvoker(), "deliveries"), "deliveries")
	gatewaytest.InvokeFail(t, env.UserInvoker(), "callback already succeeded", "redeliver", id)
}

func TestFulfillAtExpiryHeight(t *testing.T) {
	env := newConsumerEnv(t, 1)
	res := vrfResult(3)

	// A request expires at its creation block + 1: fulfill is accepted in
	// that block and rejected in the one after.
	onTime := env.request(t)
	env.Fulfill(t, onTime, result.Success, res)

	late := env.request(t)
	env.AddNewBlock(t)
	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "request has expired",
		"fulfill", late, 0, res, env.Sign(late, result.Success, res))
	require.Equal(t, int64(statusPending), env.status(t, late))
}

func TestRedeliverExpiryWithFailingCallback(t *testing.T) {
	env := newConsumerEnv(t, 1)
	env.setMode(t, modeThrow)
	id := env.request(t)
	env.AddNewBlock(t)
	env.UserInvoker().Invoke(t, stackitem.Null{}, "expire", id)

	tx := env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	redelivered := gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "CallbackRedelivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(false)}, redelivered)
	require.Equal(t, stackitem.Make(false), env.storedRequest(t, id)[fieldCallbackOK])

	env.setMode(t, modeAccept)
	tx = env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id)
	delivered := gatewaytest.Event(t, env.AppExec(t, tx), env.consumer, "Delivered")
	require.Equal(t, stackitem.Make(int64(result.Expired)), delivered[1])
}
