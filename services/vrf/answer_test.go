package vrf

import (
	"crypto/rand"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

func testAnswerer(t *testing.T) answerer {
	t.Helper()
	vrfKey, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	signKey, err := keys.NewPrivateKey()
	require.NoError(t, err)
	return answerer{magic: 42, gateway: util.Uint160{9}, vrfKey: vrfKey, signKey: signKey}
}

func TestAnswerSuccessIsSignedAndVerifiable(t *testing.T) {
	a := testAnswerer(t)
	c := claim{ID: 5, Requester: util.Uint160{1}, Payload: []byte(`{"words":3}`), BlockHash: util.Uint256{7}}

	ans, err := a.answer(c)
	require.NoError(t, err)
	require.Equal(t, result.Success, ans.Code)

	msg := result.Message(a.magic, a.gateway, c.ID, ServiceName, ans.Code, ans.Result)
	require.True(t, result.Verify(a.signKey.PublicKey(), msg, ans.Signature))

	in := AlphaInput{Magic: a.magic, Gateway: a.gateway, RequestID: c.ID, Requester: c.Requester, BlockHash: c.BlockHash}
	r, err := VerifyResult(in, ans.Result)
	require.NoError(t, err)
	require.Len(t, r.Words, 3)

	again, err := a.answer(c)
	require.NoError(t, err)
	require.Equal(t, ans.Result, again.Result, "a restart must produce the same result bytes")
}

func TestAnswerBadPayloadGetsCode(t *testing.T) {
	a := testAnswerer(t)
	c := claim{ID: 6, Payload: []byte(`{"words":0}`)}

	ans, err := a.answer(c)
	require.NoError(t, err)
	require.Equal(t, result.PayloadInvalid, ans.Code)
	require.Contains(t, string(ans.Result), `"words" is 0, want 1 to 500`)

	msg := result.Message(a.magic, a.gateway, c.ID, ServiceName, ans.Code, ans.Result)
	require.True(t, result.Verify(a.signKey.PublicKey(), msg, ans.Signature))
}
