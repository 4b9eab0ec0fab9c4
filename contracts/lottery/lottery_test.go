package lottery_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

type lotteryEnv struct {
	*gatewaytest.Env
	lottery util.Uint160
}

func newLotteryEnv(t *testing.T) *lotteryEnv {
	t.Helper()

	env := gatewaytest.New(t, 0)
	lottery := gatewaytest.Compile(t, env.Executor, "lottery")
	env.DeployContract(t, lottery, env.Gateway)
	return &lotteryEnv{Env: env, lottery: lottery.Hash}
}

func (env *lotteryEnv) invoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.lottery, env.User)
}

// requestRandom calls requestRandom(words) and returns the request id and
// the transaction's RequestCreated event.
func (env *lotteryEnv) requestRandom(t *testing.T, words int) (int64, []stackitem.Item) {
	t.Helper()

	tx := env.invoker().PrepareInvoke(t, "requestRandom", words)
	env.AddNewBlock(t, tx)
	aer := env.CheckHalt(t, tx.Hash())
	id := aer.Stack[0].Value().(*big.Int).Int64()
	return id, gatewaytest.Event(t, aer, env.Gateway, "RequestCreated")
}

func (env *lotteryEnv) call(t *testing.T, method string, args ...any) stackitem.Item {
	t.Helper()

	stack, err := env.invoker().TestInvoke(t, method, args...)
	require.NoError(t, err)
	return stack.Pop().Item()
}

func vrfResult(words int) ([]byte, [][]byte) {
	res := make([]byte, 33+81+32*words)
	for i := range res {
		res[i] = byte(i*13 + 5)
	}
	var split [][]byte
	for i := 33 + 81; i < len(res); i += 32 {
		split = append(split, res[i:i+32])
	}
	return res, split
}

func TestRequestRandomCreatesRequest(t *testing.T) {
	env := newLotteryEnv(t)

	id, created := env.requestRandom(t, 3)
	require.Equal(t, int64(1), id)
	require.Equal(t, stackitem.Make("vrf"), created[1], "service")
	require.Equal(t, stackitem.Make(env.lottery.BytesBE()), created[2], "requester")
	require.Equal(t, stackitem.Make([]byte(`{"words":3}`)), created[3], "payload")
	require.Equal(t, stackitem.Make(env.lottery.BytesBE()), created[4], "callbackContract")
	require.Equal(t, stackitem.Make("onRandom"), created[5], "callbackMethod")
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", id), "code before the result")
	require.Equal(t, stackitem.Null{}, env.call(t, "words", id), "words before the result")
}

func TestFulfillStoresWords(t *testing.T) {
	env := newLotteryEnv(t)
	id, _ := env.requestRandom(t, 3)
	res, words := vrfResult(3)

	aer := env.Fulfill(t, id, result.Success, res)

	received := gatewaytest.Event(t, aer, env.lottery, "RandomReceived")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(0), stackitem.Make(3)}, received)
	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, stackitem.Make(true), fulfilled[2], "callbackOK")

	stored := env.call(t, "words", id).Value().([]stackitem.Item)
	require.Len(t, stored, 3)
	for i, word := range stored {
		got, err := word.TryBytes()
		require.NoError(t, err)
		require.Equal(t, words[i], got, "word %d", i)
	}
	require.Equal(t, stackitem.Make(0), env.call(t, "code", id))
}

func TestFulfillWithErrorCode(t *testing.T) {
	env := newLotteryEnv(t)
	id, _ := env.requestRandom(t, 2)

	aer := env.Fulfill(t, id, result.PayloadInvalid, []byte("bad words"))
	received := gatewaytest.Event(t, aer, env.lottery, "RandomReceived")
	require.Equal(t, []stackitem.Item{stackitem.Make(id), stackitem.Make(int64(result.PayloadInvalid)), stackitem.Make(0)}, received)
	require.Equal(t, stackitem.Make(int64(result.PayloadInvalid)), env.call(t, "code", id))
	require.Equal(t, stackitem.Null{}, env.call(t, "words", id))
}

func TestFulfillWrongWordCount(t *testing.T) {
	env := newLotteryEnv(t)
	id, _ := env.requestRandom(t, 3)
	res, _ := vrfResult(2)

	aer := env.Fulfill(t, id, result.Success, res)
	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, stackitem.Make(false), fulfilled[2], "callbackOK")
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", id))
}

func TestRequestRandomPassesCountThrough(t *testing.T) {
	env := newLotteryEnv(t)

	for _, words := range []int{0, -1, 501} {
		id, created := env.requestRandom(t, words)
		want := fmt.Sprintf(`{"words":%d}`, words)
		require.Equal(t, stackitem.Make([]byte(want)), created[3], "payload")

		env.Fulfill(t, id, result.PayloadInvalid, []byte("words out of range"))
		require.Equal(t, stackitem.Make(int64(result.PayloadInvalid)), env.call(t, "code", id))
	}
}

func TestOnRandomRejectsOtherCaller(t *testing.T) {
	env := newLotteryEnv(t)
	id, _ := env.requestRandom(t, 1)
	res, _ := vrfResult(1)

	gatewaytest.InvokeFail(t, env.invoker(), "caller is not the gateway", "onRandom", id, 0, res)
}

func TestOnRandomRejectsForeignRequest(t *testing.T) {
	env := newLotteryEnv(t)

	// Anyone can name the lottery as the callback of their own request.
	tx := env.UserInvoker().PrepareInvoke(t, "request", "vrf", []byte(`{"words":1}`), env.lottery, "onRandom")
	env.AddNewBlock(t, tx)
	id := env.CheckHalt(t, tx.Hash()).Stack[0].Value().(*big.Int).Int64()
	res, _ := vrfResult(1)

	aer := env.Fulfill(t, id, result.Success, res)
	fulfilled := gatewaytest.Event(t, aer, env.Gateway, "RequestFulfilled")
	require.Equal(t, stackitem.Make(false), fulfilled[2], "callbackOK")
	require.Equal(t, stackitem.Make(-1), env.call(t, "code", id))
}

// TestFulfillGas logs the system fee of fulfill through the lottery, which
// stores the words, and fails when a fee grows past its limit.
func TestFulfillGas(t *testing.T) {
	tests := []struct {
		name  string
		words int
		limit int64
	}{
		{name: "1 word", words: 1, limit: 100_000_000},
		{name: "3 words", words: 3, limit: 100_000_000},
		{name: "500 words", words: 500, limit: 5_000_000_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newLotteryEnv(t)
			id, _ := env.requestRandom(t, tc.words)
			res, _ := vrfResult(tc.words)

			aer := env.Fulfill(t, id, result.Success, res)
			t.Logf("fulfill with %d words (%d result bytes): %d datoshi", tc.words, len(res), aer.GasConsumed)
			require.Less(t, aer.GasConsumed, tc.limit, "system fee in datoshi")
		})
	}
}
