package ecvrf

import (
	"fmt"
	"math/big"
)

// proof is a decoded pi: Gamma, the challenge c and the response s.
type proof struct {
	gamma        point
	gammaEncoded []byte
	c            *big.Int
	sBytes       []byte
}

// Verify checks pi against alpha under pk following ECVRF_verify of RFC 9381
// section 5.3 with validate_key = TRUE, and returns beta (OutputSize bytes)
// on success. A malformed or wrong pi gives an error wrapping
// ErrInvalidProof, and an unusable pk one wrapping ErrInvalidPublicKey.
func (pk *PublicKey) Verify(alpha, pi []byte) ([]byte, error) {
	if err := pk.validate(); err != nil {
		return nil, err
	}
	d, err := decodeProof(pi)
	if err != nil {
		return nil, err
	}
	h, _, err := encodeToCurve(pk.encoded, alpha)
	if err != nil {
		return nil, err
	}

	// U = s*B - c*Y and V = s*H - c*Gamma
	negC := negate(d.c)
	u := baseMul(d.sBytes).add(pk.y.mul(negC))
	v := h.mul(d.sBytes).add(d.gamma.mul(negC))

	if challenge(pk.y, h, d.gamma, u, v).Cmp(d.c) != 0 {
		return nil, fmt.Errorf("challenge mismatch: %w", ErrInvalidProof)
	}
	return proofToHash(d.gammaEncoded), nil
}

// ProofToHash returns beta for pi without verifying it (ECVRF_proof_to_hash,
// RFC 9381 section 5.2). Use it only on a proof that Prove made or that
// PublicKey.Verify accepted. For any other proof call Verify, which returns
// the same beta. A malformed pi gives an error wrapping ErrInvalidProof.
func ProofToHash(pi []byte) ([]byte, error) {
	d, err := decodeProof(pi)
	if err != nil {
		return nil, err
	}
	return proofToHash(d.gammaEncoded), nil
}

// decodeProof implements ECVRF_decode_proof (RFC 9381 section 5.4.4).
func decodeProof(pi []byte) (proof, error) {
	if len(pi) != ProofSize {
		return proof{}, fmt.Errorf("proof is %d bytes, want %d: %w",
			len(pi), ProofSize, ErrInvalidProof)
	}
	gammaEncoded := pi[:PublicKeySize]
	cBytes := pi[PublicKeySize : PublicKeySize+challengeSize]
	sBytes := pi[PublicKeySize+challengeSize:]

	gamma, err := decodePoint(gammaEncoded)
	if err != nil {
		return proof{}, fmt.Errorf("decode gamma: %w: %w", err, ErrInvalidProof)
	}
	s := new(big.Int).SetBytes(sBytes)
	if s.Cmp(order) >= 0 {
		return proof{}, fmt.Errorf("s is not below the group order: %w", ErrInvalidProof)
	}
	return proof{
		gamma:        gamma,
		gammaEncoded: gammaEncoded,
		c:            new(big.Int).SetBytes(cBytes),
		sBytes:       sBytes,
	}, nil
}
