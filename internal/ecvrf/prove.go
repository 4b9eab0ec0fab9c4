package ecvrf

import "math/big"

// Prove returns the proof pi (ProofSize bytes) that beta is this key's VRF
// output for alpha, following ECVRF_prove of RFC 9381 section 5.1. The proof
// is deterministic. Get beta from ProofToHash(pi) or PublicKey.Verify.
//
// Prove fails only if try-and-increment finds no point in 256 tries, which
// has probability about 2^-256 because about half of all hashes are valid x
// coordinates.
func (k *PrivateKey) Prove(alpha []byte) ([]byte, error) {
	h, _, err := encodeToCurve(k.public.encoded, alpha)
	if err != nil {
		return nil, err
	}
	hString := h.encode()
	gamma := h.mul(k.secret.xBytes[:])

	nonceInt := nonce(k.secret.xBytes[:], hString)
	nonceBytes := scalarBytes(nonceInt)
	u := baseMul(nonceBytes)
	v := h.mul(nonceBytes)
	c := challenge(k.public.y, h, gamma, u, v)

	// s = (k + c*x) mod q, where k is the nonce
	s := new(big.Int).Mul(c, k.secret.x)
	s.Add(s, nonceInt)
	s.Mod(s, order)

	pi := make([]byte, 0, ProofSize)
	pi = append(pi, gamma.encode()...)
	pi = append(pi, c.FillBytes(make([]byte, challengeSize))...)
	pi = append(pi, scalarBytes(s)...)
	return pi, nil
}
