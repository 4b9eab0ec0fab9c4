package enclave

import (
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
)

// scalarSalt is the HKDF salt of DeriveP256Scalar.
const scalarSalt = "neo-service-layer/p256-scalar/v1"

// DeriveP256Scalar derives a P-256 private scalar from a secret of at
// least 32 bytes, such as a Marble.Secret, for the purpose named by
// label. Distinct labels give independent keys, and the same inputs give
// the same key on every replica and restart. The result is 32 bytes,
// big-endian, in [1, n-1], ready for keys.NewPrivateKeyFromBytes or
// ecvrf.NewPrivateKey.
//
// It expands 48 bytes with HKDF-SHA256 and reduces them modulo n-1, then
// adds 1, as FIPS 186-5 (appendix A.2.1) does for random bits, so the
// bias is below 2^-128.
func DeriveP256Scalar(secret []byte, label string) ([]byte, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("derive P-256 scalar: secret is %d bytes, want at least 32", len(secret))
	}
	if label == "" {
		return nil, errors.New("derive P-256 scalar: empty label")
	}

	okm, err := hkdf.Key(sha256.New, secret, []byte(scalarSalt), label, 48)
	if err != nil {
		return nil, fmt.Errorf("derive P-256 scalar: %w", err)
	}
	defer clear(okm)

	nMinus1 := new(big.Int).Sub(elliptic.P256().Params().N, big.NewInt(1))
	k := new(big.Int).SetBytes(okm)
	k.Mod(k, nMinus1)
	k.Add(k, big.NewInt(1))

	return k.FillBytes(make([]byte, 32)), nil
}
