package gateway_test

import (
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// TestSettleGas logs the system fee of fulfill, expire and the redeliver
// that delivers an expiry, with the test consumer's callback (two storage
// writes and one event), and fails when a fee grows past its limit.
func TestSettleGas(t *testing.T) {
	env := newConsumerEnv(t, 1)
	res := vrfResult(3)

	id := env.request(t)
	fulfill := env.Fulfill(t, id, result.Success, res)
	t.Logf("fulfill, 3-word result: %d datoshi", fulfill.GasConsumed)
	require.Less(t, fulfill.GasConsumed, int64(100_000_000), "fulfill system fee in datoshi")

	id = env.request(t)
	env.AddNewBlock(t)
	expire := env.AppExec(t, env.UserInvoker().Invoke(t, stackitem.Null{}, "expire", id))
	t.Logf("expire: %d datoshi", expire.GasConsumed)
	require.Less(t, expire.GasConsumed, int64(20_000_000), "expire system fee in datoshi")

	redeliver := env.AppExec(t, env.UserInvoker().Invoke(t, stackitem.Null{}, "redeliver", id))
	t.Logf("redeliver of an expiry: %d datoshi", redeliver.GasConsumed)
	require.Less(t, redeliver.GasConsumed, int64(50_000_000), "redeliver system fee in datoshi")
}

// TestRegistryGas logs the system fee of the owner's registerServiceKey and
// setServiceData (a 33-byte VRF public key), and fails when a fee grows past
// its limit.
func TestRegistryGas(t *testing.T) {
	env := newConsumerEnv(t, 0)
	key, _ := gatewaytest.NewKey(t)
	pub := key.PublicKey().Bytes()

	tx := env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey", gatewaytest.Service, pub, env.Attestation[:])
	register := env.AppExec(t, tx)
	t.Logf("registerServiceKey: %d datoshi", register.GasConsumed)
	require.Less(t, register.GasConsumed, int64(500_000_000), "registerServiceKey system fee in datoshi")

	tx = env.OwnerInvoker().Invoke(t, stackitem.Null{}, "setServiceData", "vrf", "vrf_public_key", pub)
	set := env.AppExec(t, tx)
	t.Logf("setServiceData: %d datoshi", set.GasConsumed)
	require.Less(t, set.GasConsumed, int64(500_000_000), "setServiceData system fee in datoshi")
}
