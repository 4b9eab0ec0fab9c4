package gateway_test

import (
	"math/big"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/hash"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// Request status values returned by the contract's status method.
const (
	statusNone      = 0
	statusPending   = 1
	statusFulfilled = 2
	statusExpired   = 3
)

// getRequest field positions.
const (
	fieldService = iota
	fieldRequester
	fieldPayload
	fieldCallbackContract
	fieldCallbackMethod
	fieldCreatedBlock
	fieldExpiresAt
	fieldStatus
	fieldCode
	fieldResult
	fieldSignature
	fieldFulfilledBlock
	fieldCallbackOK
	requestFields
)

const callbackMethod = "onResult"

type consumerEnv struct {
	*gatewaytest.Env
	consumer util.Uint160
}

// newConsumerEnv deploys the Gateway and the test consumer.
func newConsumerEnv(t *testing.T, expiryBlocks int) *consumerEnv {
	t.Helper()

	env := gatewaytest.New(t, expiryBlocks)
	consumer := gatewaytest.Compile(t, env.Executor, "gateway/testdata/consumer")
	env.DeployContract(t, consumer, env.Gateway)
	return &consumerEnv{Env: env, consumer: consumer.Hash}
}

// request sends a request for the test service from the user, with the test
// consumer as callback, and returns its id.
func (env *consumerEnv) request(t *testing.T) int64 {
	t.Helper()

	tx := env.UserInvoker().PrepareInvoke(t, "request",
		gatewaytest.Service, []byte(`{"words":3}`), env.consumer, callbackMethod)
	env.AddNewBlock(t, tx)
	aer := env.CheckHalt(t, tx.Hash())
	return aer.Stack[0].Value().(*big.Int).Int64()
}

// consumerInvoker returns an invoker for the test consumer.
func (env *consumerEnv) consumerInvoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.consumer, env.User)
}

// call runs a read-only method and returns its result.
func call(t *testing.T, inv *neotest.ContractInvoker, method string, args ...any) stackitem.Item {
	t.Helper()

	stack, err := inv.TestInvoke(t, method, args...)
	require.NoError(t, err)
	require.Equal(t, 1, stack.Len())
	return stack.Pop().Item()
}

// storedRequest returns the getRequest fields of request id.
func (env *consumerEnv) storedRequest(t *testing.T, id int64) []stackitem.Item {
	t.Helper()

	fields, ok := call(t, env.UserInvoker(), "getRequest", id).Value().([]stackitem.Item)
	require.True(t, ok, "getRequest returns an array")
	require.Len(t, fields, requestFields)
	return fields
}

func (env *consumerEnv) status(t *testing.T, id int64) int64 {
	t.Helper()

	return call(t, env.UserInvoker(), "status", id).Value().(*big.Int).Int64()
}

func vrfResult(words int) []byte {
	res := make([]byte, 33+81+32*words)
	for i := range res {
		res[i] = byte(i * 7)
	}
	return res
}

func requireInt(t *testing.T, want int64, item stackitem.Item, field string) {
	t.Helper()

	got, err := item.TryInteger()
	require.NoError(t, err, field)
	require.Equal(t, want, got.Int64(), field)
}

func requireBytes(t *testing.T, want []byte, item stackitem.Item, field string) {
	t.Helper()

	got, err := item.TryBytes()
	require.NoError(t, err, field)
	require.Equal(t, want, got, field)
}

func TestFulfillDeliversResult(t *testing.T) {
	env := newConsumerEnv(t, 0)
	id := env.request(t)
	require.Equal(t, int64(1), id)
	require.Equal(t, int64(statusPending), env.status(t, id))

	res := vrfResult(3)
	aer := env.Fulfill(t, id, result.Success, res)

	delivered := gatewaytest.Event(t, aer, env.consumer, "Delivered")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(0), stackitem.Make(res)}, delivered)
	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(0), stackitem.Make(true)}, fulfilled)
	require.Equal(t, int64(statusFulfilled), env.status(t, id))
	requireInt(t, 1, call(t, env.consumerInvoker(), "deliveries"), "deliveries")
}

func TestGetRequestFields(t *testing.T) {
	env := newConsumerEnv(t, 0)
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "getRequest", 1))
	require.Equal(t, int64(statusNone), env.status(t, 1))

	id := env.request(t)
	created := int64(env.Chain.BlockHeight())
	fields := env.storedRequest(t, id)
	requireBytes(t, []byte(gatewaytest.Service), fields[fieldService], "service")
	requireBytes(t, env.requestScriptHash(t).BytesBE(), fields[fieldRequester], "requester")
	requireBytes(t, []byte(`{"words":3}`), fields[fieldPayload], "payload")
	requireBytes(t, env.consumer.BytesBE(), fields[fieldCallbackContract], "callbackContract")
	requireBytes(t, []byte(callbackMethod), fields[fieldCallbackMethod], "callbackMethod")
	requireInt(t, created, fields[fieldCreatedBlock], "createdBlock")
	requireInt(t, created+100, fields[fieldExpiresAt], "expiresAt (default window)")
	requireInt(t, statusPending, fields[fieldStatus], "status")
	requireBytes(t, []byte{}, fields[fieldResult], "result")
	requireBytes(t, []byte{}, fields[fieldSignature], "signature")
	requireInt(t, 0, fields[fieldFulfilledBlock], "fulfilledBlock")
	require.Equal(t, stackitem.Make(false), fields[fieldCallbackOK], "callbackOK")

	res := []byte("not found")
	env.Fulfill(t, id, result.NotFound, res)
	fields = env.storedRequest(t, id)
	requireInt(t, statusFulfilled, fields[fieldStatus], "status")
	requireInt(t, int64(result.NotFound), fields[fieldCode], "code")
	requireBytes(t, res, fields[fieldResult], "result")
	requireBytes(t, env.Sign(id, result.NotFound, res), fields[fieldSignature], "signature")
	requireInt(t, int64(env.Chain.BlockHeight()), fields[fieldFulfilledBlock], "fulfilledBlock")
	require.Equal(t, stackitem.Make(true), fields[fieldCallbackOK], "callbackOK")
}

// requestScriptHash returns the script hash of the user's request script,
// which is the calling script hash the Gateway records as requester.
func (env *consumerEnv) requestScriptHash(t *testing.T) util.Uint160 {
	t.Helper()

	tx := env.UserInvoker().PrepareInvokeNoSign(t, "request",
		gatewaytest.Service, []byte(`{"words":3}`), env.consumer, callbackMethod)
	return hash.Hash160(tx.Script)
}

func TestFulfillRejects(t *testing.T) {
	env := newConsumerEnv(t, 0)
	id := env.request(t)
	res := vrfResult(3)
	sig := env.Sign(id, result.Success, res)

	otherKey, otherSigner := gatewaytest.NewKey(t)
	otherSig := result.Sign(otherKey, result.Message(env.Magic(), env.Gateway, id, gatewaytest.Service, result.Success, res))
	flipped := append([]byte(nil), sig...)
	flipped[10] ^= 0x01

	withService := env.FulfillInvoker()
	userOnly := env.UserInvoker()
	withOther := env.NewInvoker(env.Gateway, env.User, otherSigner)
	tests := []struct {
		name string
		inv  *neotest.ContractInvoker
		args []any
		want string
	}{
		{name: "unknown request", inv: withService, args: []any{id + 1, 0, res, sig}, want: "unknown request"},
		{name: "no service witness", inv: userOnly, args: []any{id, 0, res, sig}, want: "missing service key witness"},
		{name: "other key witness and signature", inv: withOther, args: []any{id, 0, res, otherSig}, want: "missing service key witness"},
		{name: "signature by other key", inv: withService, args: []any{id, 0, res, otherSig}, want: "invalid signature"},
		{name: "flipped signature bit", inv: withService, args: []any{id, 0, res, flipped}, want: "invalid signature"},
		{name: "short signature", inv: withService, args: []any{id, 0, res, sig[:63]}, want: "invalid signature"},
		{name: "different result", inv: withService, args: []any{id, 0, vrfResult(2), sig}, want: "invalid signature"},
		{name: "different code", inv: withService, args: []any{id, int64(result.Error), res, sig}, want: "invalid signature"},
		{name: "negative code", inv: withService, args: []any{id, -1, res, sig}, want: "invalid code"},
		{name: "code above 255", inv: withService, args: []any{id, 256, res, sig}, want: "invalid code"},
		{name: "result too large", inv: withService, args: []any{id, 0, make([]byte, 32769), sig}, want: "result too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, tc.inv, tc.want, "fulfill", tc.args...)
			require.Equal(t, int64(statusPending), env.status(t, id))
		})
	}
}

func TestFulfillSignatureForOtherRequest(t *testing.T) {
	env := newConsumerEnv(t, 0)
	first := env.request(t)
	second := env.request(t)
	res := vrfResult(3)

	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "invalid signature",
		"fulfill", second, 0, res, env.Sign(first, result.Success, res))
}

func TestFulfillTwice(t *testing.T) {
	env := newConsumerEnv(t, 0)
	id := env.request(t)
	res := vrfResult(3)
	env.Fulfill(t, id, result.Success, res)

	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "request is not pending",
		"fulfill", id, 0, res, env.Sign(id, result.Success, res))
	other := vrfResult(1)
	gatewaytest.InvokeFail(t, env.FulfillInvoker(), "request is not pending",
		"fulfill", id, 0, other, env.Sign(id, result.Success, other))
	requireInt(t, 1, call(t, env.consumerInvoker(), "deliveries"), "deliveries")
}

func TestFulfillCalledByEntryScope(t *testing.T) {
	env := newConsumerEnv(t, 0)
	id := env.request(t)
	res := vrfResult(3)

	signers := []neotest.Signer{env.User, env.ServiceSigner}
	tx := env.FulfillTx(t, transaction.CalledByEntry, signers, id, 0, res, env.Sign(id, result.Success, res))
	env.AddNewBlock(t, tx)
	env.CheckHalt(t, tx.Hash())
	require.Equal(t, int64(statusFulfilled), env.status(t, id))
}
