package vrf

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

func testAnswerer(t *testing.T) *Answerer {
	t.Helper()
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return NewAnswerer(42, util.Uint160{9}, key)
}

func TestAnswerSuccessIsVerifiable(t *testing.T) {
	a := testAnswerer(t)
	req := responder.Request{ID: 5, Requester: util.Uint160{1}, Payload: []byte(`{"words":3}`), BlockHash: util.Uint256{7}}

	code, res, err := a.Answer(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, result.Success, code)

	in := AlphaInput{Magic: a.magic, Gateway: a.gateway, RequestID: req.ID, Requester: req.Requester, BlockHash: req.BlockHash}
	r, err := VerifyResult(in, res)
	require.NoError(t, err)
	require.Len(t, r.Words, 3)

	_, again, err := a.Answer(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, res, again, "a restart must produce the same result bytes")
}

func TestAnswerBadPayloadGetsCode(t *testing.T) {
	a := testAnswerer(t)
	code, res, err := a.Answer(context.Background(), responder.Request{ID: 6, Payload: []byte(`{"words":0}`)})
	require.NoError(t, err)
	require.Equal(t, result.PayloadInvalid, code)
	require.Contains(t, string(res), `"words" is 0, want 1 to 500`)
}
