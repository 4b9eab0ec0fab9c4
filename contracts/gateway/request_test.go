package gateway_test

import (
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/native/nativehashes"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
)

func TestRequestCreatedEvent(t *testing.T) {
	env := newConsumerEnv(t, 7)
	payload := []byte(`{"words":3}`)

	tx := env.UserInvoker().PrepareInvoke(t, "request", gatewaytest.Service, payload, env.consumer, callbackMethod)
	env.AddNewBlock(t, tx)
	aer := env.CheckHalt(t, tx.Hash(), stackitem.Make(1))

	created := int64(env.Chain.BlockHeight())
	want := []stackitem.Item{
		stackitem.Make(1),
		stackitem.Make(gatewaytest.Service),
		stackitem.Make(env.requestScriptHash(t).BytesBE()),
		stackitem.Make(payload),
		stackitem.Make(env.consumer.BytesBE()),
		stackitem.Make(callbackMethod),
		stackitem.Make(created + 7),
	}
	require.Equal(t, want, gatewaytest.Event(t, aer, env.Gateway, "RequestCreated"))
}

func TestRequestIDsIncrease(t *testing.T) {
	env := newConsumerEnv(t, 0)

	for want := int64(1); want <= 3; want++ {
		require.Equal(t, want, env.request(t))
	}
}

func TestRequestRejects(t *testing.T) {
	env := newConsumerEnv(t, 0)
	payload := []byte(`{"words":3}`)
	missing := util.Uint160{0xde, 0xad}

	tests := []struct {
		name     string
		service  string
		payload  []byte
		contract util.Uint160
		method   string
		want     string
	}{
		{name: "unknown service", service: "oracle", payload: payload, contract: env.consumer, method: callbackMethod, want: "unknown service"},
		{name: "empty payload", service: gatewaytest.Service, payload: []byte{}, contract: env.consumer, method: callbackMethod, want: "empty payload"},
		{name: "payload too large", service: gatewaytest.Service, payload: make([]byte, 801), contract: env.consumer, method: callbackMethod, want: "payload too large"},
		{name: "empty method", service: gatewaytest.Service, payload: payload, contract: env.consumer, method: "", want: "invalid callback method"},
		{name: "method too long", service: gatewaytest.Service, payload: payload, contract: env.consumer, method: strings.Repeat("m", 33), want: "invalid callback method"},
		{name: "method with underscore", service: gatewaytest.Service, payload: payload, contract: env.consumer, method: "_deploy", want: "invalid callback method"},
		{name: "gateway as callback", service: gatewaytest.Service, payload: payload, contract: env.Gateway, method: "status", want: "invalid callback contract"},
		{name: "native callback", service: gatewaytest.Service, payload: payload, contract: nativehashes.GasToken, method: "transfer", want: "invalid callback contract"},
		{name: "missing contract", service: gatewaytest.Service, payload: payload, contract: missing, method: callbackMethod, want: "callback contract not found"},
		{name: "missing method", service: gatewaytest.Service, payload: payload, contract: env.consumer, method: "onNothing", want: "callback method not found"},
		{name: "wrong arity", service: gatewaytest.Service, payload: payload, contract: env.consumer, method: "setMode", want: "callback method not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, env.UserInvoker(), tc.want, "request", tc.service, tc.payload, tc.contract, tc.method)
		})
	}
}

func TestRequestLargestAccepted(t *testing.T) {
	env := newConsumerEnv(t, 0)
	service := strings.Repeat("s", 32)
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey",
		service, env.ServiceKey.PublicKey().Bytes(), env.Attestation[:])

	env.UserInvoker().Invoke(t, 1, "request", service, make([]byte, 800), env.consumer, callbackMethod)
}

func TestRequestShortCallbackHash(t *testing.T) {
	env := newConsumerEnv(t, 0)

	gatewaytest.InvokeFail(t, env.UserInvoker(), "invalid callback contract",
		"request", gatewaytest.Service, []byte("x"), []byte{1, 2, 3}, callbackMethod)
}

func TestRequestWhilePaused(t *testing.T) {
	env := newConsumerEnv(t, 0)
	pending := env.request(t)
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "pause")

	gatewaytest.InvokeFail(t, env.UserInvoker(), "gateway is paused",
		"request", gatewaytest.Service, []byte("x"), env.consumer, callbackMethod)

	// A pause stops only new requests, so the pending one can still settle.
	res := vrfResult(3)
	env.Fulfill(t, pending, 0, res)
	require.Equal(t, int64(statusFulfilled), env.status(t, pending))

	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "unpause")
	require.Equal(t, int64(2), env.request(t))
}
