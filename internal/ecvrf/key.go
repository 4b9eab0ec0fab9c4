package ecvrf

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
)

// Errors callers can test for with errors.Is. Returned errors wrap them with
// the reason.
var (
	// ErrInvalidProof reports a proof that is malformed or does not verify.
	ErrInvalidProof = errors.New("ecvrf: invalid proof")
	// ErrInvalidPublicKey reports a public key that is not a valid
	// compressed P-256 point other than the identity.
	ErrInvalidPublicKey = errors.New("ecvrf: invalid public key")
	// ErrInvalidPrivateKey reports a secret scalar that is not 32 bytes or
	// not in [1, q-1].
	ErrInvalidPrivateKey = errors.New("ecvrf: invalid private key")
)

// redacted replaces the secret scalar wherever a PrivateKey is printed.
const redacted = "[redacted]"

// PublicKey is an ECVRF-P256-SHA256-TAI public key Y = x*B. The zero value
// is not a valid key: get one from ParsePublicKey or PrivateKey.Public.
// A PublicKey is immutable and safe for concurrent use.
type PublicKey struct {
	y       point
	encoded []byte // PK_string, 33 bytes
}

// PrivateKey is an ECVRF-P256-SHA256-TAI secret key: a scalar x in
// [1, q-1], equal to SK in this suite. Printing it with fmt or log/slog
// shows only "[redacted]". The zero value is not usable: get one from
// GenerateKey or NewPrivateKey. A PrivateKey is immutable and safe for
// concurrent use.
type PrivateKey struct {
	secret *secretScalar
	public *PublicKey
}

// secretScalar holds x. fmt cannot call the redacting methods of a
// PrivateKey nested in an unexported field, and for some verbs it prints
// one level of a pointed-to struct. Every field here is therefore a pointer,
// which fmt shows as an address, never as the bytes it points to.
type secretScalar struct {
	x      *big.Int
	xBytes *[PrivateKeySize]byte // int_to_string(x, qLen)
}

// GenerateKey returns a new private key with a scalar drawn uniformly from
// [1, q-1] by rejection sampling on 32-byte strings read from random. A nil
// random means crypto/rand.Reader.
func GenerateKey(random io.Reader) (*PrivateKey, error) {
	if random == nil {
		random = rand.Reader
	}
	buf := make([]byte, PrivateKeySize)

	// q is about 2^256 - 2^224, so a draw is rejected with probability
	// about 2^-32. The cap stops a broken reader that repeats a bad block.
	for range 128 {
		if _, err := io.ReadFull(random, buf); err != nil {
			return nil, fmt.Errorf("read random scalar: %w", err)
		}
		if key, err := NewPrivateKey(buf); err == nil {
			return key, nil
		}
	}
	return nil, errors.New("random source returned 128 scalars outside [1, q-1], check the reader")
}

// NewPrivateKey returns the private key whose scalar x is the 32-byte
// big-endian scalar. It returns an error wrapping ErrInvalidPrivateKey
// unless 1 <= x <= q-1. The key keeps its own copy of scalar.
func NewPrivateKey(scalar []byte) (*PrivateKey, error) {
	if len(scalar) != PrivateKeySize {
		return nil, fmt.Errorf("scalar is %d bytes, want %d: %w",
			len(scalar), PrivateKeySize, ErrInvalidPrivateKey)
	}
	x := new(big.Int).SetBytes(scalar)
	if x.Sign() == 0 || x.Cmp(order) >= 0 {
		return nil, fmt.Errorf("scalar is not in [1, q-1]: %w", ErrInvalidPrivateKey)
	}
	y := baseMul(scalar)
	return &PrivateKey{
		secret: &secretScalar{x: x, xBytes: (*[PrivateKeySize]byte)(scalarBytes(x))},
		public: &PublicKey{y: y, encoded: y.encode()},
	}, nil
}

// Public returns the public key Y = x*B.
func (k *PrivateKey) Public() *PublicKey {
	return k.public
}

// Bytes returns a copy of the 32-byte big-endian secret scalar, the input
// NewPrivateKey accepts. The result is secret: never log it.
func (k *PrivateKey) Bytes() []byte {
	return append([]byte(nil), k.secret.xBytes[:]...)
}

// String returns "[redacted]" in place of the scalar.
func (k PrivateKey) String() string {
	return redacted
}

// GoString returns "[redacted]", so %#v does not print the scalar either.
func (k PrivateKey) GoString() string {
	return redacted
}

// Format writes "[redacted]" for every fmt verb, including %d and %x,
// which would otherwise print the fields.
func (k PrivateKey) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, redacted)
}

// LogValue implements slog.LogValuer: it logs the public key, which is not
// secret, and never the scalar.
func (k PrivateKey) LogValue() slog.Value {
	if k.public == nil {
		return slog.StringValue(redacted)
	}
	return slog.GroupValue(
		slog.String("private_key", redacted),
		slog.String("public_key", k.public.String()),
	)
}

// ParsePublicKey decodes a 33-byte compressed SEC 1 public key. It returns
// an error wrapping ErrInvalidPublicKey for any other length, an
// uncompressed or identity encoding, an x not below the field prime, or an
// x with no point on P-256.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	y, err := decodePoint(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrInvalidPublicKey)
	}
	return &PublicKey{y: y, encoded: append([]byte(nil), b...)}, nil
}

// Bytes returns a copy of the 33-byte compressed SEC 1 encoding (PK_string).
func (pk *PublicKey) Bytes() []byte {
	return append([]byte(nil), pk.encoded...)
}

// String returns the key's encoding in hex.
func (pk *PublicKey) String() string {
	return hex.EncodeToString(pk.encoded)
}

// validate implements ECVRF_validate_key plus the string_to_point checks:
// the key must be a point on P-256 other than the identity. Keys from this
// package always pass; the check catches the zero value.
func (pk *PublicKey) validate() error {
	if pk == nil || pk.y.x == nil || pk.y.y == nil || len(pk.encoded) != PublicKeySize {
		return fmt.Errorf("public key is empty: %w", ErrInvalidPublicKey)
	}
	// IsOnCurve rejects the identity (0, 0) as well.
	if !curve.IsOnCurve(pk.y.x, pk.y.y) {
		return fmt.Errorf("public key is not a point on P-256: %w", ErrInvalidPublicKey)
	}
	return nil
}
