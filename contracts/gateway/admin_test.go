package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/native/nativenames"
	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
)

func TestOwnerOnlyMethods(t *testing.T) {
	env := gatewaytest.New(t, 0)
	gateway := gatewaytest.Compile(t, env.Executor, "gateway")
	nefBytes, err := gateway.NEF.Bytes()
	require.NoError(t, err)
	manifestJSON, err := json.Marshal(gateway.Manifest)
	require.NoError(t, err)
	pub := env.ServiceKey.PublicKey().Bytes()

	tests := []struct {
		name   string
		method string
		args   []any
	}{
		{name: "register service key", method: "registerServiceKey", args: []any{"oracle", pub, env.Attestation[:]}},
		{name: "set service data", method: "setServiceData", args: []any{"vrf", "vrf_public_key", pub}},
		{name: "pause", method: "pause"},
		{name: "unpause", method: "unpause"},
		{name: "set expiry", method: "setExpiry", args: []any{5}},
		{name: "update", method: "update", args: []any{nefBytes, manifestJSON}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, env.UserInvoker(), "caller is not the owner", tc.method, tc.args...)
		})
	}
}

func TestOwnerGetter(t *testing.T) {
	env := gatewaytest.New(t, 0)

	requireBytes(t, env.Owner.ScriptHash().BytesBE(), call(t, env.UserInvoker(), "owner"), "owner")
}

func TestRegisterServiceKey(t *testing.T) {
	env := gatewaytest.New(t, 0)
	key, _ := gatewaytest.NewKey(t)
	pub := key.PublicKey().Bytes()
	attestation := make([]byte, 32)
	attestation[0] = 9

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey", "oracle", pub, attestation)
	registered := gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "ServiceKeyRegistered")
	require.Equal(t, []stackitem.Item{stackitem.Make("oracle"), stackitem.Make(pub), stackitem.Make(attestation)}, registered)

	requireBytes(t, pub, call(t, env.UserInvoker(), "serviceKey", "oracle"), "serviceKey")
	requireBytes(t, attestation, call(t, env.UserInvoker(), "attestationHash", "oracle"), "attestationHash")
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "serviceKey", "compute"))
	require.Equal(t, stackitem.Null{}, call(t, env.UserInvoker(), "attestationHash", "compute"))
}

func TestRegisterServiceKeyRejects(t *testing.T) {
	env := gatewaytest.New(t, 0)
	pub := env.ServiceKey.PublicKey().Bytes()
	uncompressed := env.ServiceKey.PublicKey().UncompressedBytes()
	badPrefix := append([]byte{0x05}, pub[1:]...)
	attestation := env.Attestation[:]

	tests := []struct {
		name        string
		service     string
		pub         []byte
		attestation []byte
		want        string
	}{
		{name: "empty service", service: "", pub: pub, attestation: attestation, want: "invalid service name"},
		{name: "long service", service: strings.Repeat("s", 33), pub: pub, attestation: attestation, want: "invalid service name"},
		{name: "uncompressed key", service: "oracle", pub: uncompressed, attestation: attestation, want: "invalid public key"},
		{name: "bad key prefix", service: "oracle", pub: badPrefix, attestation: attestation, want: "invalid public key"},
		{name: "short attestation hash", service: "oracle", pub: pub, attestation: attestation[:31], want: "invalid attestation hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gatewaytest.InvokeFail(t, env.OwnerInvoker(), tc.want, "registerServiceKey", tc.service, tc.pub, tc.attestation)
		})
	}
}

func TestKeyRotation(t *testing.T) {
	env := newConsumerEnv(t, 0)
	id := env.request(t)
	oldSigner := env.ServiceSigner
	oldSig := env.Sign(id, 0, vrfResult(3))

	env.ServiceKey, env.ServiceSigner = gatewaytest.NewKey(t)
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey",
		gatewaytest.Service, env.ServiceKey.PublicKey().Bytes(), env.Attestation[:])

	oldInvoker := env.NewInvoker(env.Gateway, env.User, oldSigner)
	gatewaytest.InvokeFail(t, oldInvoker, "missing service key witness", "fulfill", id, 0, vrfResult(3), oldSig)
	env.Fulfill(t, id, 0, vrfResult(3))
}

func TestPauseEvents(t *testing.T) {
	env := gatewaytest.New(t, 0)
	require.Equal(t, stackitem.Make(false), call(t, env.UserInvoker(), "isPaused"))

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "pause")
	gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "Paused")
	require.Equal(t, stackitem.Make(true), call(t, env.UserInvoker(), "isPaused"))

	tx = env.OwnerInvoker().Invoke(t, stackitem.Null{}, "unpause")
	gatewaytest.Event(t, env.AppExec(t, tx), env.Gateway, "Unpaused")
	require.Equal(t, stackitem.Make(false), call(t, env.UserInvoker(), "isPaused"))
}

func TestSetExpiry(t *testing.T) {
	env := newConsumerEnv(t, 0)
	requireInt(t, 100, call(t, env.UserInvoker(), "expiryBlocks"), "default expiry")

	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setExpiry", 5)
	requireInt(t, 5, call(t, env.UserInvoker(), "expiryBlocks"), "expiry")
	id := env.request(t)
	requireInt(t, int64(env.Chain.BlockHeight())+5, env.storedRequest(t, id)[fieldExpiresAt], "expiresAt")

	gatewaytest.InvokeFail(t, env.OwnerInvoker(), "invalid expiry", "setExpiry", 0)
	gatewaytest.InvokeFail(t, env.OwnerInvoker(), "invalid expiry", "setExpiry", -1)
}

func TestDeployRejects(t *testing.T) {
	env := gatewaytest.New(t, 0)
	gateway := gatewaytest.Compile(t, env.Executor, "gateway")

	tests := []struct {
		name string
		data any
		want string
	}{
		{name: "wrong field count", data: []any{env.Owner.ScriptHash()}, want: "invalid deploy data"},
		{name: "short owner", data: []any{[]byte{1, 2}, 0}, want: "invalid owner"},
		{name: "negative expiry", data: []any{env.Owner.ScriptHash(), -1}, want: "invalid expiry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Another sender gives the contract a fresh hash.
			sender := env.NewAccount(t)
			c := *gateway
			c.Hash = deployHash(sender.ScriptHash(), gateway)
			tx := env.NewDeployTxBy(t, sender, &c, tc.data)
			env.AddNewBlock(t, tx)
			env.CheckFault(t, tx.Hash(), "\""+tc.want+"\"")
		})
	}
}

func TestUpdateByOwner(t *testing.T) {
	env := gatewaytest.New(t, 0)
	gateway := gatewaytest.Compile(t, env.Executor, "gateway")
	nefBytes, err := gateway.NEF.Bytes()
	require.NoError(t, err)
	manifestJSON, err := json.Marshal(gateway.Manifest)
	require.NoError(t, err)

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "update", nefBytes, manifestJSON)
	management := env.NativeHash(t, nativenames.Management)
	updated := gatewaytest.Event(t, env.AppExec(t, tx), management, "Update")
	require.Equal(t, []stackitem.Item{stackitem.Make(env.Gateway.BytesBE())}, updated)

	// Storage survives an update.
	requireBytes(t, env.ServiceKey.PublicKey().Bytes(), call(t, env.UserInvoker(), "serviceKey", gatewaytest.Service), "serviceKey")
}

func deployHash(sender util.Uint160, c *neotest.Contract) util.Uint160 {
	return state.CreateContractHash(sender, c.NEF.Checksum, c.Manifest.Name)
}
