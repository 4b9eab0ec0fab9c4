package ecvrf

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// addProofSeeds adds the RFC proofs, truncated and with Gamma's prefix
// changed, to f's corpus through add.
func addProofSeeds(f *testing.F, add func(alpha, pi []byte)) {
	f.Helper()
	for _, v := range loadVectors(f) {
		add(v.alpha, v.pi)
		add(v.alpha, v.pi[:ProofSize-1])
		changed := bytes.Clone(v.pi)
		changed[0] ^= 0x01
		add(v.alpha, changed)
	}
	add(nil, make([]byte, ProofSize))
}

// FuzzVerify checks that Verify never panics and that any proof it accepts
// under example 10's key is the one Prove makes for that alpha. Another
// accepted proof would be a forgery made without the secret key.
func FuzzVerify(f *testing.F) {
	addProofSeeds(f, func(alpha, pi []byte) { f.Add(alpha, pi) })
	key, err := NewPrivateKey(loadVectors(f)[0].sk)
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, alpha, pi []byte) {
		beta, err := key.Public().Verify(alpha, pi)
		if err != nil {
			require.Nil(t, beta)
			return
		}
		want, err := key.Prove(alpha)
		require.NoError(t, err)
		require.Equal(t, want, pi, "accepted proof differs from Prove's")

		hashed, err := ProofToHash(pi)
		require.NoError(t, err)
		require.Equal(t, hashed, beta)
	})
}

// FuzzParseProof checks that proof decoding never panics and that a decoded
// proof re-encodes to its input.
func FuzzParseProof(f *testing.F) {
	addProofSeeds(f, func(_, pi []byte) { f.Add(pi) })

	f.Fuzz(func(t *testing.T, pi []byte) {
		d, err := decodeProof(pi)
		beta, hashErr := ProofToHash(pi)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidProof)
			require.ErrorIs(t, hashErr, ErrInvalidProof)
			return
		}
		require.NoError(t, hashErr)
		require.Len(t, beta, OutputSize)

		encoded := d.gamma.encode()
		encoded = append(encoded, d.c.FillBytes(make([]byte, challengeSize))...)
		encoded = append(encoded, d.sBytes...)
		require.Equal(t, pi, encoded, "decoded proof re-encodes to its input")
		require.True(t, curve.IsOnCurve(d.gamma.x, d.gamma.y), "Gamma is on P-256")
	})
}

// FuzzParsePublicKey checks that ParsePublicKey never panics and accepts only
// points on P-256 that re-encode to their input.
func FuzzParsePublicKey(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.pk)
		f.Add(v.pk[:PublicKeySize-1])
		f.Add(v.pi[:PublicKeySize])
	}
	f.Add([]byte{0x00})
	f.Add(append([]byte{0x04}, make([]byte, 64)...))

	f.Fuzz(func(t *testing.T, b []byte) {
		pk, err := ParsePublicKey(b)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidPublicKey)
			require.Nil(t, pk)
			return
		}
		require.Equal(t, b, pk.Bytes())
		require.NoError(t, pk.validate())
	})
}
