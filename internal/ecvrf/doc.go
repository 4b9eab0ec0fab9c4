// Package ecvrf implements the verifiable random function
// ECVRF-P256-SHA256-TAI of RFC 9381 (suite string 0x01): NIST P-256,
// SHA-256, try-and-increment encode-to-curve and RFC 6979 nonces.
//
// A [PrivateKey] turns an input alpha into an 81-byte proof pi with
// [PrivateKey.Prove]. Anyone holding the matching [PublicKey] checks pi with
// [PublicKey.Verify], which returns the 32-byte output beta. Proofs are
// deterministic: one key and one alpha give one pi and one beta. Verify always
// validates the public key (validate_key = TRUE in RFC 9381 terms), so
// identity and off-curve keys are rejected.
//
// Encodings follow the suite: public keys and the point Gamma are 33-byte
// compressed SEC 1 points, and pi is Gamma (33 bytes) || c (16 bytes) ||
// s (32 bytes), integers big-endian.
//
// What the package does not do:
//   - It offers only this one suite, with no salt other than the public key
//     and no other hash-to-curve method.
//   - It gives no constant-time guarantee beyond the standard library's.
//     Point multiplications run in crypto/elliptic's P-256 code, which Go
//     1.26 documents as constant time, but the scalar arithmetic modulo the
//     group order (the nonce k, the response s) uses math/big, which is not. Try-and-increment
//     takes time that depends on alpha, so alpha should be treated as public,
//     as RFC 9381 section 5.4.1.1 advises for this suite.
//   - It does not zero secret memory after use; Go gives no reliable way to.
//   - It uses the deprecated big.Int methods of crypto/elliptic, the only
//     point arithmetic on P-256 that the standard library exports.
package ecvrf
