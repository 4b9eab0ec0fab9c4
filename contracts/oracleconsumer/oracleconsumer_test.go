package oracleconsumer_test

import (
	"math/big"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

const service = "oracle"

type consumerEnv struct {
	*gatewaytest.Env
	consumer util.Uint160
}

// newConsumerEnv deploys the consumer owned by the user and registers the
// environment's service key for "oracle" too.
func newConsumerEnv(t *testing.T) *consumerEnv {
	t.Helper()

	env := gatewaytest.New(t, 0)
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey",
		service, env.ServiceKey.PublicKey().Bytes(), env.Attestation[:])
	consumer := gatewaytest.Compile(t, env.Executor, "oracleconsumer")
	env.DeployContract(t, consumer, []any{env.Gateway, env.User.ScriptHash()})
	return &consumerEnv{Env: env, consumer: consumer.Hash}
}

func (env *consumerEnv) invoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.consumer, env.User)
}

// request calls request(payload) as the owner and returns the request id
// and the transaction's RequestCreated event.
func (env *consumerEnv) request(t *testing.T, payload string) (int64, []stackitem.Item) {
	t.Helper()

	tx := env.invoker().PrepareInvoke(t, "request", []byte(payload))
	env.AddNewBlock(t, tx)
	aer := env.CheckHalt(t, tx.Hash())
	id := aer.Stack[0].Value().(*big.Int).Int64()
	return id, gatewaytest.Event(t, aer, env.Gateway, "RequestCreated")
}

// fulfill sends a fulfill signed for the "oracle" service and returns
// the Gateway's RequestFulfilled event.
func (env *consumerEnv) fulfill(t *testing.T, id int64, code result.Code, res []byte) []stackitem.Item {
	t.Helper()

	msg := result.Message(env.Magic(), env.Gateway, id, service, code, res)
	sig := result.Sign(env.ServiceKey, msg)
	tx := env.FulfillInvoker().Invoke(t, stackitem.Null{}, "fulfill", id, int64(code), res, sig)
	return gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "RequestFulfilled")
}

func (env *consumerEnv) call(t *testing.T, method string, args ...any) stackitem.Item {
	t.Helper()

	stack, err := env.invoker().TestInvoke(t, method, args...)
	require.NoError(t, err)
	return stack.Pop().Item()
}

func itemBytes(t *testing.T, item stackitem.Item) []byte {
	t.Helper()

	b, err := item.TryBytes()
	require.NoError(t, err)
	return b
}

func TestRequestCreatesOracleRequest(t *testing.T) {
	env := newConsumerEnv(t)
	payload := `{"url":"https://api.example.com/price","filter":"$.price"}`

	id, created := env.request(t, payload)
	require.Equal(t, int64(1), id)
	require.Equal(t, stackitem.Make(service), created[1], "service")
	require.Equal(t, stackitem.Make(env.consumer.BytesBE()), created[2], "requester")
	require.Equal(t, stackitem.Make([]byte(payload)), created[3], "payload")
	require.Equal(t, stackitem.Make(env.consumer.BytesBE()), created[4], "callbackContract")
	require.Equal(t, stackitem.Make("onOracleResult"), created[5], "callbackMethod")
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", id), "code before the result")
	require.Equal(t, stackitem.Null{}, env.call(t, "result", id), "result before it arrived")
}

func TestRequestByOtherAccountFails(t *testing.T) {
	env := newConsumerEnv(t)
	stranger := env.NewAccount(t)

	inv := env.NewInvoker(env.consumer, stranger)
	gatewaytest.InvokeFail(t, inv, "caller is not the owner", "request", []byte(`{"url":"https://a.example/"}`))
}

func TestFulfillStoresResult(t *testing.T) {
	env := newConsumerEnv(t)
	id, _ := env.request(t, `{"url":"https://api.example.com/price","filter":"$.price"}`)
	res := []byte(`[4.1000000000000000055511]`)

	fulfilled := env.fulfill(t, id, result.Success, res)
	require.Equal(t, stackitem.Make(true), fulfilled[2], "callbackOK")
	require.Equal(t, stackitem.Make(0), env.call(t, "code", id))
	require.Equal(t, res, itemBytes(t, env.call(t, "result", id)))
}

func TestFulfillWithErrorCode(t *testing.T) {
	env := newConsumerEnv(t)
	id, _ := env.request(t, `{"url":"https://10.0.0.1/"}`)

	fulfilled := env.fulfill(t, id, result.Forbidden, []byte("forbidden address"))
	require.Equal(t, stackitem.Make(true), fulfilled[2], "callbackOK")
	require.Equal(t, stackitem.Make(int64(result.Forbidden)), env.call(t, "code", id))
	require.Equal(t, []byte("forbidden address"), itemBytes(t, env.call(t, "result", id)))
}

func TestCallbackFromOtherCallerFails(t *testing.T) {
	env := newConsumerEnv(t)
	id, _ := env.request(t, `{"url":"https://api.example.com/"}`)

	gatewaytest.InvokeFail(t, env.invoker(), "caller is not the gateway", "onOracleResult", id, 0, []byte("[1]"))
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", id))
}

// A request the consumer did not make, naming it as the callback, is
// delivered by the Gateway but rejected by the consumer.
func TestCallbackForForeignRequestRejected(t *testing.T) {
	env := newConsumerEnv(t)
	tx := env.UserInvoker().Invoke(t, stackitem.Make(1), "request",
		service, []byte(`{"url":"https://a.example/"}`), env.consumer, "onOracleResult")
	require.NotEmpty(t, tx)

	fulfilled := env.fulfill(t, 1, result.Success, []byte("[1]"))
	require.Equal(t, stackitem.Make(false), fulfilled[2], "callbackOK")
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", 1))
}

func TestDeployRejectsBadData(t *testing.T) {
	env := gatewaytest.New(t, 0)
	consumer := gatewaytest.Compile(t, env.Executor, "oracleconsumer")

	tests := []struct {
		name string
		data any
		msg  string
	}{
		{name: "one hash", data: []any{env.Gateway}, msg: "deploy data must be [gateway, owner]"},
		{name: "short gateway", data: []any{[]byte{1, 2}, env.User.ScriptHash()}, msg: "invalid gateway hash"},
		{name: "short owner", data: []any{env.Gateway, []byte{1, 2}}, msg: "invalid owner hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env.DeployContractCheckFAULT(t, consumer, tc.data, tc.msg)
		})
	}
}
