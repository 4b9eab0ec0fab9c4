package vrf

import (
	"crypto/rand"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
)

func testAlphaInput() AlphaInput {
	return AlphaInput{Magic: 5, Gateway: util.Uint160{1}, RequestID: 3, Requester: util.Uint160{2}, BlockHash: util.Uint256{4}}
}

func TestProveVerifyResult(t *testing.T) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	in := testAlphaInput()

	res, err := Prove(key, in, 3)
	require.NoError(t, err)
	require.Len(t, res.Words, 3)

	got, err := VerifyResult(in, res.Bytes())
	require.NoError(t, err)
	require.Equal(t, res.Words, got.Words)
}

func TestVerifyResultRejectsAnyFlippedByte(t *testing.T) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	in := testAlphaInput()
	res, err := Prove(key, in, 2)
	require.NoError(t, err)
	raw := res.Bytes()

	for i := range raw {
		tampered := append([]byte(nil), raw...)
		tampered[i] ^= 0x01
		_, err := VerifyResult(in, tampered)
		require.Error(t, err, "flipped byte %d accepted", i)
	}
}

func TestVerifyResultRejectsOtherRequest(t *testing.T) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	in := testAlphaInput()
	res, err := Prove(key, in, 1)
	require.NoError(t, err)

	other := in
	other.RequestID++
	_, err = VerifyResult(other, res.Bytes())
	require.ErrorContains(t, err, "vrf proof")
}

func TestVerifyResultRejectsDroppedWord(t *testing.T) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(t, err)
	in := testAlphaInput()
	res, err := Prove(key, in, 2)
	require.NoError(t, err)

	// Swapping the words keeps a valid proof, so only the words check can catch it.
	res.Words[0], res.Words[1] = res.Words[1], res.Words[0]
	_, err = VerifyResult(in, res.Bytes())
	require.ErrorIs(t, err, ErrWordsMismatch)
}
