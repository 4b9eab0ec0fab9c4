package ecvrf

import (
	"crypto/elliptic"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"math/big"
)

// Lengths of the suite's encodings, in bytes.
const (
	// PrivateKeySize is the length of a secret scalar (qLen).
	PrivateKeySize = 32
	// PublicKeySize is the length of a compressed SEC 1 point (ptLen).
	PublicKeySize = 33
	// ProofSize is the length of pi: ptLen + cLen + qLen.
	ProofSize = PublicKeySize + challengeSize + PrivateKeySize
	// OutputSize is the length of beta, one SHA-256 digest (hLen).
	OutputSize = sha256.Size

	challengeSize = 16
)

// Domain separation octets of RFC 9381 section 5.
const (
	suiteString          = 0x01
	encodeToCurveFront   = 0x01
	challengeFront       = 0x02
	proofToHashFront     = 0x03
	domainSeparatorBack  = 0x00
	evenCompressedPrefix = 0x02
)

// NOTE: the crypto/elliptic methods used below are deprecated in favour of
// crypto/ecdh, which exposes no point addition. For P-256 they run on the
// standard library's constant-time nistec implementation.
var (
	curve = elliptic.P256()
	order = curve.Params().N
)

// point is an affine P-256 point. The identity is (0, 0), as in
// crypto/elliptic.
type point struct {
	x, y *big.Int
}

func (p point) isIdentity() bool {
	return p.x.Sign() == 0 && p.y.Sign() == 0
}

// encode returns point_to_string(p): compressed SEC 1, or the single octet
// 0x00 for the identity (SEC 1 section 2.3.3). Unlike
// elliptic.MarshalCompressed it does not check that p is on the curve again:
// every point here comes from decodePoint or from curve arithmetic.
func (p point) encode() []byte {
	if p.isIdentity() {
		return []byte{0x00}
	}
	out := make([]byte, PublicKeySize)
	out[0] = evenCompressedPrefix | byte(p.y.Bit(0))
	p.x.FillBytes(out[1:])
	return out
}

// decodePoint implements string_to_point for ptLen-byte strings. It accepts
// only compressed points on P-256 with x below the field prime, so a
// successful decode re-encodes to exactly b.
func decodePoint(b []byte) (point, error) {
	if len(b) != PublicKeySize {
		return point{}, fmt.Errorf("point is %d bytes, want %d", len(b), PublicKeySize)
	}
	if b[0] != 0x02 && b[0] != 0x03 {
		return point{}, errors.New("point is not in compressed form")
	}
	x, y := elliptic.UnmarshalCompressed(curve, b)
	if x == nil {
		return point{}, errors.New("point is not on P-256")
	}
	return point{x: x, y: y}, nil
}

func baseMul(scalar []byte) point {
	x, y := curve.ScalarBaseMult(scalar)
	return point{x: x, y: y}
}

func (p point) mul(scalar []byte) point {
	x, y := curve.ScalarMult(p.x, p.y, scalar)
	return point{x: x, y: y}
}

func (p point) add(q point) point {
	x, y := curve.Add(p.x, p.y, q.x, q.y)
	return point{x: x, y: y}
}

// scalarBytes returns v as a qLen-byte big-endian string. v must be in
// [0, q-1].
func scalarBytes(v *big.Int) []byte {
	return v.FillBytes(make([]byte, PrivateKeySize))
}

// negate returns (q - v) mod q as qLen bytes, for computing -c*P.
func negate(v *big.Int) []byte {
	n := new(big.Int).Sub(order, v)
	return scalarBytes(n.Mod(n, order))
}

// encodeToCurve implements ECVRF_encode_to_curve_try_and_increment with
// encode_to_curve_salt = PK_string. It also returns the counter that
// succeeded, which the RFC's test vectors list.
func encodeToCurve(pk, alpha []byte) (point, int, error) {
	h := sha256.New()
	candidate := make([]byte, 0, PublicKeySize)
	for ctr := 0; ctr < 256; ctr++ {
		h.Reset()
		h.Write([]byte{suiteString, encodeToCurveFront})
		h.Write(pk)
		h.Write(alpha)
		h.Write([]byte{byte(ctr), domainSeparatorBack})

		// interpret_hash_value_as_a_point(s) = string_to_point(0x02 || s).
		// A decoded point is never the identity, and the cofactor is 1.
		candidate = h.Sum(append(candidate[:0], evenCompressedPrefix))
		if p, err := decodePoint(candidate); err == nil {
			return p, ctr, nil
		}
	}
	// Each try fails with probability about 1/2, so 256 failures in a row
	// have probability about 2^-256.
	return point{}, 0, errors.New("encode to curve: no point found in 256 tries")
}

// challenge implements ECVRF_challenge_generation and returns c.
func challenge(points ...point) *big.Int {
	h := sha256.New()
	h.Write([]byte{suiteString, challengeFront})
	for _, p := range points {
		h.Write(p.encode())
	}
	h.Write([]byte{domainSeparatorBack})
	return new(big.Int).SetBytes(h.Sum(nil)[:challengeSize])
}

// proofToHash implements steps 4 to 7 of ECVRF_proof_to_hash on a valid
// encoding of Gamma (cofactor*Gamma = Gamma for P-256).
func proofToHash(gamma []byte) []byte {
	h := sha256.New()
	h.Write([]byte{suiteString, proofToHashFront})
	h.Write(gamma)
	h.Write([]byte{domainSeparatorBack})
	return h.Sum(nil)
}

// newHash is the suite's Hash function, for RFC 6979's HMAC.
func newHash() hash.Hash { return sha256.New() }
