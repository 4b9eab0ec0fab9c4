package ecvrf

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// exampleTen returns the key, alpha and proof of RFC 9381 example 10.
func exampleTen(t *testing.T) (*PrivateKey, []byte, []byte) {
	t.Helper()
	v := loadVectors(t)[0]
	key, err := NewPrivateKey(v.sk)
	require.NoError(t, err)
	return key, v.alpha, v.pi
}

func TestProveVerifyRoundTrip(t *testing.T) {
	alphas := [][]byte{nil, {}, {0x00}, []byte("sample"), bytes.Repeat([]byte{0xab}, 4096)}
	for seed := range uint64(4) {
		key, err := GenerateKey(seededReader(seed))
		require.NoError(t, err)
		for _, alpha := range alphas {
			t.Run(fmt.Sprintf("key %d alpha %d bytes", seed, len(alpha)), func(t *testing.T) {
				pi, err := key.Prove(alpha)
				require.NoError(t, err)
				require.Len(t, pi, ProofSize)

				again, err := key.Prove(alpha)
				require.NoError(t, err)
				require.Equal(t, pi, again, "proofs are deterministic")

				pk, err := ParsePublicKey(key.Public().Bytes())
				require.NoError(t, err)
				beta, err := pk.Verify(alpha, pi)
				require.NoError(t, err)
				require.Len(t, beta, OutputSize)

				hashed, err := ProofToHash(pi)
				require.NoError(t, err)
				require.Equal(t, beta, hashed, "ProofToHash matches Verify")
			})
		}
	}
}

func TestVerifyRejectsEveryFlippedProofBit(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	for bit := range len(pi) * 8 {
		flipped := bytes.Clone(pi)
		flipped[bit/8] ^= 1 << (bit % 8)

		_, err := key.Public().Verify(alpha, flipped)
		require.ErrorIs(t, err, ErrInvalidProof, "bit %d flipped", bit)
	}
}

func TestVerifyRejectsEveryFlippedAlphaBit(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	for bit := range len(alpha) * 8 {
		flipped := bytes.Clone(alpha)
		flipped[bit/8] ^= 1 << (bit % 8)

		_, err := key.Public().Verify(flipped, pi)
		require.ErrorIs(t, err, ErrInvalidProof, "bit %d flipped", bit)
		require.ErrorContains(t, err, "challenge mismatch")
	}
}

func TestVerifyRejectsChangedAlphaLength(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	for _, changed := range [][]byte{nil, alpha[:len(alpha)-1], append(bytes.Clone(alpha), 0x00)} {
		_, err := key.Public().Verify(changed, pi)
		require.ErrorIs(t, err, ErrInvalidProof, "alpha %q", changed)
	}
}

func TestVerifyRejectsWrongKey(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	other, err := GenerateKey(seededReader(9))
	require.NoError(t, err)

	_, err = other.Public().Verify(alpha, pi)
	require.ErrorIs(t, err, ErrInvalidProof)

	// Example 12's key with example 10's proof: both keys are from the RFC.
	v12 := loadVectors(t)[2]
	pk12, err := ParsePublicKey(v12.pk)
	require.NoError(t, err)
	_, err = pk12.Verify(alpha, pi)
	require.ErrorIs(t, err, ErrInvalidProof)

	// And the right key still accepts it.
	_, err = key.Public().Verify(alpha, pi)
	require.NoError(t, err)
}

func TestVerifyRejectsMalformedProof(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	withS := func(s []byte) []byte {
		return append(bytes.Clone(pi[:PublicKeySize+challengeSize]), s...)
	}
	withGammaPrefix := func(prefix byte) []byte {
		out := bytes.Clone(pi)
		out[0] = prefix
		return out
	}
	offCurve := bytes.Clone(pi)
	copy(offCurve[1:PublicKeySize], scalarBytes(firstXOffCurve(t)))

	tests := []struct {
		name    string
		pi      []byte
		wantErr string
	}{
		{name: "empty", pi: nil, wantErr: "proof is 0 bytes, want 81"},
		{name: "one byte short", pi: pi[:80], wantErr: "proof is 80 bytes, want 81"},
		{name: "one byte long", pi: append(bytes.Clone(pi), 0x00), wantErr: "proof is 82 bytes, want 81"},
		{name: "gamma prefix 0x04", pi: withGammaPrefix(0x04), wantErr: "decode gamma: point is not in compressed form"},
		{name: "gamma prefix 0x00", pi: withGammaPrefix(0x00), wantErr: "decode gamma: point is not in compressed form"},
		{name: "gamma off curve", pi: offCurve, wantErr: "decode gamma: point is not on P-256"},
		{name: "s equals q", pi: withS(scalarBytes(order)), wantErr: "s is not below the group order"},
		{name: "s all ones", pi: withS(bytes.Repeat([]byte{0xff}, 32)), wantErr: "s is not below the group order"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			beta, err := key.Public().Verify(alpha, tc.pi)
			require.ErrorIs(t, err, ErrInvalidProof)
			require.ErrorContains(t, err, tc.wantErr)
			require.Nil(t, beta)

			beta, err = ProofToHash(tc.pi)
			require.ErrorIs(t, err, ErrInvalidProof)
			require.ErrorContains(t, err, tc.wantErr)
			require.Nil(t, beta)
		})
	}
}

// A proof with c = 0 and s = 0 makes U and V the identity, which
// point_to_string encodes as one zero octet; Verify must reject it, not
// panic.
func TestVerifyRejectsIdentityIntermediates(t *testing.T) {
	key, alpha, pi := exampleTen(t)
	zeroed := append(bytes.Clone(pi[:PublicKeySize]), make([]byte, challengeSize+PrivateKeySize)...)

	_, err := key.Public().Verify(alpha, zeroed)
	require.ErrorIs(t, err, ErrInvalidProof)
	require.ErrorContains(t, err, "challenge mismatch")
}

func TestVerifyRejectsUnusableKey(t *testing.T) {
	_, alpha, pi := exampleTen(t)
	for name, pk := range map[string]*PublicKey{"nil": nil, "zero value": {}} {
		t.Run(name, func(t *testing.T) {
			_, err := pk.Verify(alpha, pi)
			require.ErrorIs(t, err, ErrInvalidPublicKey)
		})
	}
}
