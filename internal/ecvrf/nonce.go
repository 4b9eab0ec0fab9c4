package ecvrf

import (
	"crypto/hmac"
	"math/big"
)

// nonce implements ECVRF_nonce_generation_RFC6979 (RFC 9381 section
// 5.4.2.1): the deterministic k of RFC 6979 section 3.2 with m = h_string,
// the suite's SHA-256 as both H and the HMAC hash, and the "suitable for
// DSA or ECDSA" test of step h.3 left out. x is the secret scalar as qLen
// bytes. The result is in [1, q-1].
//
// For P-256 with SHA-256, hlen = qlen = 256 bits, so bits2int is plain
// OS2IP and one HMAC block fills T in step h.2.
func nonce(x, hString []byte) *big.Int {
	// Step a, then bits2octets(h1): reduce the digest modulo q once.
	digest := newHash()
	digest.Write(hString)
	h1 := new(big.Int).SetBytes(digest.Sum(nil))
	if h1.Cmp(order) >= 0 {
		h1.Sub(h1, order)
	}
	h1Octets := scalarBytes(h1)

	// Steps b to g.
	v := make([]byte, newHash().Size())
	k := make([]byte, len(v))
	for i := range v {
		v[i] = 0x01
	}
	k = mac(k, v, []byte{0x00}, x, h1Octets)
	v = mac(k, v)
	k = mac(k, v, []byte{0x01}, x, h1Octets)
	v = mac(k, v)

	// Step h: draw candidates until one is in [1, q-1].
	for {
		v = mac(k, v)
		candidate := new(big.Int).SetBytes(v)
		if candidate.Sign() > 0 && candidate.Cmp(order) < 0 {
			return candidate
		}
		k = mac(k, v, []byte{0x00})
		v = mac(k, v)
	}
}

// mac returns HMAC-SHA-256 under key over the concatenation of parts.
func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(newHash, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}
