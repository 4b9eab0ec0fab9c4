package verify_test

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/binding/bindingtest"
	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/verify"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// vrfEnv is a chain whose Gateway has a VRF service with a published VRF
// key.
type vrfEnv struct {
	*bindingtest.Env
	gw     *binding.Gateway
	vrfKey *ecvrf.PrivateKey
}

func newVRFEnv(t *testing.T) *vrfEnv {
	t.Helper()

	env := &vrfEnv{Env: bindingtest.New(t, 0), vrfKey: newVRFKey(t)}
	env.gw = binding.NewGateway(env, env.Gateway)
	env.publish(env.vrfKey)
	return env
}

func newVRFKey(t *testing.T) *ecvrf.PrivateKey {
	t.Helper()

	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return key
}

// publish registers key's public key as the VRF service's key.
func (env *vrfEnv) publish(key *ecvrf.PrivateKey) {
	env.SetServiceData(vrf.ServiceName, binding.DataVRFPublicKey, key.Public().Bytes())
}

// requestAndProve makes a lottery request for 3 words and fulfils it with a
// proof by key, signed with the service key. It returns the request id.
func (env *vrfEnv) requestAndProve(t *testing.T, key *ecvrf.PrivateKey) int64 {
	t.Helper()

	id := env.RequestRandom(3)
	in := vrf.AlphaInput{
		Magic:     env.Magic(),
		Gateway:   env.Gateway,
		RequestID: id,
		Requester: env.Lottery,
		BlockHash: env.Chain.GetHeaderHash(env.Height()),
	}
	r, err := vrf.Prove(key, in, 3)
	require.NoError(t, err)
	env.Fulfill(id, result.Success, r.Bytes())
	return id
}

func (env *vrfEnv) verify(id int64) (*verify.Report, error) {
	return verify.Request(env.gw, env, env.Magic(), id)
}

// check returns the named check of rep, failing the test if it is missing.
func check(t *testing.T, rep *verify.Report, name string) verify.Check {
	t.Helper()

	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("report has no %q check: %+v", name, rep.Checks)
	return verify.Check{}
}

func TestVerifyHonestResult(t *testing.T) {
	env := newVRFEnv(t)
	id := env.requestAndProve(t, env.vrfKey)
	fulfilled := env.Height()

	rep, err := env.verify(id)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.Equal(t, "success", rep.Code)
	require.Equal(t, "fulfilled", rep.Status)
	require.Equal(t, fulfilled, rep.FulfilledBlock)
	require.Equal(t, env.ServiceKey.PublicKey().StringCompressed(), rep.ServiceKey)
	require.Equal(t, env.vrfKey.Public().Bytes(), mustHex(t, rep.VRFPublicKey))
	for _, name := range []string{"fulfilled", "service signature", "vrf key", "vrf proof"} {
		require.True(t, check(t, rep, name).OK, "check %s", name)
	}
}

func TestVerifyAfterKeyChanges(t *testing.T) {
	env := newVRFEnv(t)
	id := env.requestAndProve(t, env.vrfKey)

	// Both keys change after the fulfilment. The old result must still
	// verify against the keys in force when it was fulfilled.
	newKey, newSigner := bindingtest.NewKey(t)
	env.RegisterServiceKey(newKey.PublicKey())
	env.ServiceKey, env.ServiceSigner = newKey, newSigner
	newVRF := newVRFKey(t)
	env.publish(newVRF)

	rep, err := env.verify(id)
	require.NoError(t, err)
	require.True(t, rep.OK)
	require.NotEqual(t, newKey.PublicKey().StringCompressed(), rep.ServiceKey, "service key used")

	// A result fulfilled after the change verifies against the new keys.
	later := env.requestAndProve(t, newVRF)
	rep, err = env.verify(later)
	require.NoError(t, err)
	require.Equal(t, newKey.PublicKey().StringCompressed(), rep.ServiceKey)
	require.Equal(t, newVRF.Public().Bytes(), mustHex(t, rep.VRFPublicKey))
}

func TestVerifyRejectsUnregisteredVRFKey(t *testing.T) {
	env := newVRFEnv(t)

	// The service signs a valid proof by a VRF key it picked itself, as it
	// could to search for an output it likes.
	id := env.requestAndProve(t, newVRFKey(t))

	rep, err := env.verify(id)
	require.ErrorIs(t, err, verify.ErrMismatch)
	require.False(t, rep.OK)
	require.True(t, check(t, rep, "service signature").OK, "signature check")
	require.True(t, check(t, rep, "vrf proof").OK, "proof check")
	vrfKey := check(t, rep, "vrf key")
	require.False(t, vrfKey.OK)
	require.Contains(t, vrfKey.Detail, "but the key registered at block")
}

func TestVerifyWithoutPublishedVRFKey(t *testing.T) {
	env := &vrfEnv{Env: bindingtest.New(t, 0), vrfKey: newVRFKey(t)}
	env.gw = binding.NewGateway(env, env.Gateway)
	id := env.requestAndProve(t, env.vrfKey)

	// Publishing the key after the fulfilment does not help: the check
	// uses what was in force at the fulfilment height.
	env.publish(env.vrfKey)

	rep, err := env.verify(id)
	require.ErrorIs(t, err, verify.ErrMismatch)
	vrfKey := check(t, rep, "vrf key")
	require.False(t, vrfKey.OK)
	require.Contains(t, vrfKey.Detail, "no VRF public key registered on the Gateway")
	require.Empty(t, rep.VRFPublicKey)
}

func TestVerifyUnfulfilledRequest(t *testing.T) {
	tests := []struct {
		name       string
		expire     bool
		wantCode   string
		wantStatus string
	}{
		{name: "pending", wantCode: "none, status pending", wantStatus: "pending"},
		{name: "expired", expire: true, wantCode: "expired, status expired", wantStatus: "expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &vrfEnv{Env: bindingtest.New(t, 1)}
			env.gw = binding.NewGateway(env, env.Gateway)
			id := env.RequestRandom(1)
			if tc.expire {
				env.AddNewBlock(t)
				tx, err := env.gw.ExpireTx(env.Maker(env.User), id)
				require.NoError(t, err)
				env.Send(tx)
			}

			rep, err := env.verify(id)
			require.ErrorIs(t, err, verify.ErrMismatch)
			require.Equal(t, tc.wantCode, rep.Code)
			require.Equal(t, tc.wantStatus, rep.Status)
			require.False(t, check(t, rep, "fulfilled").OK)
		})
	}
}

func TestVerifyMissingRequest(t *testing.T) {
	env := newVRFEnv(t)

	rep, err := env.verify(42)
	require.ErrorIs(t, err, binding.ErrNoRequest)
	require.Nil(t, rep)
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()

	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
