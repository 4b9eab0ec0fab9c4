package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// registered is one service key registration and the block that held it.
type registered struct {
	pub         []byte
	attestation []byte
	block       int64
}

// registerKeys registers n fresh keys for the test service, one block each,
// after the key gatewaytest.New registered, and returns all of them in
// order.
func registerKeys(t *testing.T, env *gatewaytest.Env, first int64, n int) []registered {
	t.Helper()

	keys := []registered{{pub: env.ServiceKey.PublicKey().Bytes(), attestation: env.Attestation[:], block: first}}
	for i := range n {
		key, _ := gatewaytest.NewKey(t)
		attestation := sha256.Sum256([]byte{byte(i)})
		env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey",
			gatewaytest.Service, key.PublicKey().Bytes(), attestation[:])
		keys = append(keys, registered{
			pub:         key.PublicKey().Bytes(),
			attestation: attestation[:],
			block:       int64(env.Chain.BlockHeight()),
		})
	}
	return keys
}

func TestServiceKeyAtHeights(t *testing.T) {
	env := gatewaytest.New(t, 0)
	first := int64(env.Chain.BlockHeight())
	env.AddNewBlock(t)
	keys := registerKeys(t, env, first, 4)

	// A key is in force from the block after the one that registered it.
	tests := []struct {
		name   string
		height int64
		want   int
	}{
		{name: "before any key", height: 0, want: -1},
		{name: "first registration block", height: keys[0].block, want: -1},
		{name: "first key from next block", height: keys[0].block + 1, want: 0},
		{name: "gap block keeps first key", height: keys[0].block + 2, want: 0},
		{name: "second registration block", height: keys[1].block, want: 0},
		{name: "second key", height: keys[1].block + 1, want: 1},
		{name: "third key", height: keys[2].block + 1, want: 2},
		{name: "fourth registration block", height: keys[3].block, want: 2},
		{name: "fourth key", height: keys[3].block + 1, want: 3},
		{name: "last key", height: keys[4].block + 1, want: 4},
		{name: "far future", height: 1 << 40, want: 4},
		{name: "negative height", height: -1, want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := call(t, env.UserInvoker(), "serviceKeyAt", gatewaytest.Service, tc.height)
			if tc.want < 0 {
				require.Equal(t, stackitem.Null{}, got)
				return
			}
			fields, ok := got.Value().([]stackitem.Item)
			require.True(t, ok, "serviceKeyAt returns an array")
			require.Len(t, fields, 3)
			want := keys[tc.want]
			requireBytes(t, want.pub, fields[0], "pubkey")
			requireBytes(t, want.attestation, fields[1], "attestationHash")
			requireInt(t, want.block+1, fields[2], "since")
		})
	}

	last := keys[len(keys)-1]
	requireBytes(t, last.pub, call(t, env.UserInvoker(), "serviceKey", gatewaytest.Service), "serviceKey")
	requireBytes(t, last.attestation, call(t, env.UserInvoker(), "attestationHash", gatewaytest.Service), "attestationHash")
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceKeyAt", "oracle", 1<<40))
}

func TestKeyChangeTakesEffectNextBlock(t *testing.T) {
	env := newConsumerEnv(t, 0)
	first := env.request(t)
	second := env.request(t)
	res := vrfResult(3)
	oldSigner := env.ServiceSigner
	oldSig := env.Sign(first, result.Success, res)
	newKey, newSigner := gatewaytest.NewKey(t)
	newSig := result.Sign(newKey, result.Message(env.Magic(), env.Gateway, second, gatewaytest.Service, result.Success, res))

	// In the block that registers a new key, the old key still fulfils and
	// the new one does not, whatever the order of the transactions. The
	// transactions carry a fixed fee because a fee estimate runs against
	// the state before the block.
	register := env.cappedTx(t, []neotest.Signer{env.Owner}, "registerServiceKey",
		gatewaytest.Service, newKey.PublicKey().Bytes(), env.Attestation[:])
	withOld := env.cappedTx(t, []neotest.Signer{env.User, oldSigner}, "fulfill", first, 0, res, oldSig)
	withNew := env.cappedTx(t, []neotest.Signer{env.User, newSigner}, "fulfill", second, 0, res, newSig)
	env.AddNewBlock(t, register, withOld, withNew)
	block := int64(env.Chain.BlockHeight())

	env.CheckHalt(t, register.Hash())
	env.CheckHalt(t, withOld.Hash())
	env.CheckFault(t, withNew.Hash(), "missing service key witness")

	// The history names the key that fulfil accepted in that block.
	fields := call(t, env.UserInvoker(), "serviceKeyAt", gatewaytest.Service, block).Value().([]stackitem.Item)
	requireBytes(t, env.ServiceKey.PublicKey().Bytes(), fields[0], "key in force in the registration block")
	requireInt(t, block, env.storedRequest(t, first)[fieldFulfilledBlock], "fulfilledBlock")

	// From the next block on only the new key fulfils.
	env.ServiceKey, env.ServiceSigner = newKey, newSigner
	env.Fulfill(t, second, result.Success, res)
	require.Equal(t, int64(statusFulfilled), env.status(t, second))
}

func TestFulfillBeforeFirstKeyInForce(t *testing.T) {
	env := newConsumerEnv(t, 0)
	key, signer := gatewaytest.NewKey(t)
	res := vrfResult(1)
	id := int64(1)
	sig := result.Sign(key, result.Message(env.Magic(), env.Gateway, id, "oracle", result.Success, res))

	// A new service accepts requests at once, but its key only fulfils
	// from the next block.
	register := env.cappedTx(t, []neotest.Signer{env.Owner}, "registerServiceKey",
		"oracle", key.PublicKey().Bytes(), env.Attestation[:])
	request := env.cappedTx(t, []neotest.Signer{env.User}, "request",
		"oracle", []byte("x"), env.consumer, callbackMethod)
	fulfill := env.cappedTx(t, []neotest.Signer{env.User, signer}, "fulfill", id, 0, res, sig)
	env.AddNewBlock(t, register, request, fulfill)

	env.CheckHalt(t, request.Hash(), stackitem.Make(id))
	env.CheckFault(t, fulfill.Hash(), "no service key in force")
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceKeyAt", "oracle", int64(env.Chain.BlockHeight())))

	env.ServiceKey, env.ServiceSigner = key, signer
	fulfill = env.cappedTx(t, []neotest.Signer{env.User, signer}, "fulfill", id, 0, res, sig)
	env.AddNewBlock(t, fulfill)
	require.Equal(t, vmstate.Halt, env.AppExec(t, fulfill.Hash()).VMState)
}

func TestSetServiceData(t *testing.T) {
	env := gatewaytest.New(t, 0)
	value := bytes.Repeat([]byte{0x02}, 33)

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setServiceData", "vrf", "vrf_public_key", value)
	set := int64(env.Chain.BlockHeight())
	event := gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "ServiceDataSet")
	require.Equal(t, []stackitem.Item{stackitem.Make("vrf"), stackitem.Make("vrf_public_key"), stackitem.Make(value)}, event)

	requireBytes(t, value, call(t, env.UserInvoker(), "serviceData", "vrf", "vrf_public_key"), "serviceData")
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceDataAt", "vrf", "vrf_public_key", set))
	requireBytes(t, value, call(t, env.UserInvoker(), "serviceDataAt", "vrf", "vrf_public_key", set+1), "serviceDataAt")
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceData", "vrf", "other"))
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceData", "oracle", "vrf_public_key"))
}

func TestServiceDataAtHeights(t *testing.T) {
	env := gatewaytest.New(t, 0)
	values := [][]byte{{1}, {2, 2}, {}, {4}}
	var blocks []int64
	for _, v := range values {
		env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setServiceData", "vrf", "vrf_public_key", v)
		blocks = append(blocks, int64(env.Chain.BlockHeight()))
		env.AddNewBlock(t)
	}

	tests := []struct {
		name   string
		height int64
		want   []byte
	}{
		{name: "before first value", height: blocks[0], want: nil},
		{name: "first value", height: blocks[0] + 1, want: values[0]},
		{name: "second setting block", height: blocks[1], want: values[0]},
		{name: "second value", height: blocks[1] + 1, want: values[1]},
		{name: "withdrawn", height: blocks[2] + 1, want: []byte{}},
		{name: "set again", height: blocks[3] + 1, want: values[3]},
		{name: "far future", height: 1 << 40, want: values[3]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := call(t, env.UserInvoker(), "serviceDataAt", "vrf", "vrf_public_key", tc.height)
			if tc.want == nil {
				require.Equal(t, stackitem.Null{}, got)
				return
			}
			requireBytes(t, tc.want, got, "value")
		})
	}
}

func TestServiceDataNamesDoNotCollide(t *testing.T) {
	env := gatewaytest.New(t, 0)
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setServiceData", "ab", "c", []byte{1})

	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceData", "a", "bc"))
	requireBytes(t, []byte{1}, call(t, env.UserInvoker(), "serviceData", "ab", "c"), "serviceData")
}

func TestSetServiceDataRejects(t *testing.T) {
	env := gatewaytest.New(t, 0)

	tests := []struct {
		name    string
		service string
		key     string
		value   []byte
		want    string
	}{
		{name: "empty service", service: "", key: "k", value: []byte{1}, want: "invalid service name"},
		{name: "long service", service: strings.Repeat("s", 33), key: "k", value: []byte{1}, want: "invalid service name"},
		{name: "empty name", service: "vrf", key: "", value: []byte{1}, want: "invalid data name"},
		{name: "long name", service: "vrf", key: strings.Repeat("n", 25), value: []byte{1}, want: "invalid data name"},
		{name: "large value", service: "vrf", key: "k", value: make([]byte, 513), want: "data value too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, env.OwnerInvoker(), tc.want, "setServiceData", tc.service, tc.key, tc.value)
		})
	}
}

func TestSetServiceDataLargest(t *testing.T) {
	env := gatewaytest.New(t, 0)
	service := strings.Repeat("s", 32)
	name := strings.Repeat("n", 24)
	value := bytes.Repeat([]byte{0xab}, 512)

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setServiceData", service, name, value)
	gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "ServiceDataSet")
	requireBytes(t, value, call(t, env.UserInvoker(), "serviceData", service, name), "serviceData")
}
