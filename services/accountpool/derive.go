package accountpool

import (
	"crypto/ecdh"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
)

const (
	// slip10CurveKey is the HMAC key SLIP-0010 assigns to NIST P-256.
	slip10CurveKey = "Nist256p1 seed"

	// hardenedOffset is added to an index to make a hardened child.
	hardenedOffset uint32 = 1 << 31

	// neoCoinType is NEO's coin type in SLIP-0044.
	neoCoinType uint32 = 888

	// MaxAccountIndex is the highest account index i of the path
	// m/44'/888'/0'/0'/i', because a hardened index must stay below 2^31.
	MaxAccountIndex = int64(hardenedOffset - 1)
)

// accountBranch is the path m/44'/888'/0'/0' under which account i is the
// hardened child i'.
var accountBranch = []uint32{
	44 | hardenedOffset,
	neoCoinType | hardenedOffset,
	0 | hardenedOffset,
	0 | hardenedOffset,
}

// curveOrder is n, the order of the P-256 group.
var curveOrder = elliptic.P256().Params().N

// extendedKey is a SLIP-0010 node: a private scalar and a chain code.
type extendedKey struct {
	key   [32]byte
	chain [32]byte
}

// masterKey derives the SLIP-0010 P-256 master node from seed. When the
// left half of the HMAC is not a valid scalar (0 or >= n), the HMAC output
// becomes the new data and the step repeats.
func masterKey(seed []byte) *extendedKey {
	i := hmacSHA512([]byte(slip10CurveKey), seed)
	for !validScalar(i[:32]) {
		i = hmacSHA512([]byte(slip10CurveKey), i[:])
	}
	return splitNode(&i)
}

// child derives child index of x: hardened when index >= 2^31 (HMAC over
// 0x00 || key || index), normal otherwise (HMAC over the compressed public
// key || index). When the left half of the HMAC is >= n or gives a zero
// key, SLIP-0010 hashes 0x01 || right half || index and tries again.
func (x *extendedKey) child(index uint32) (*extendedKey, error) {
	data := make([]byte, 0, 37)
	if index >= hardenedOffset {
		data = append(data, 0)
		data = append(data, x.key[:]...)
	} else {
		pub, err := compressedPublicKey(x.key[:])
		if err != nil {
			return nil, err
		}
		data = append(data, pub...)
	}
	data = binary.BigEndian.AppendUint32(data, index)
	defer clear(data)

	i := hmacSHA512(x.chain[:], data)
	parent := new(big.Int).SetBytes(x.key[:])
	for {
		if k, ok := addScalars(i[:32], parent); ok {
			node := &extendedKey{}
			k.FillBytes(node.key[:])
			copy(node.chain[:], i[32:])
			clear(i[:])
			return node, nil
		}
		retry := append([]byte{1}, i[32:]...)
		retry = binary.BigEndian.AppendUint32(retry, index)
		i = hmacSHA512(x.chain[:], retry)
	}
}

// derive walks path from x.
func (x *extendedKey) derive(path []uint32) (*extendedKey, error) {
	node := x
	for _, index := range path {
		next, err := node.child(index)
		if err != nil {
			return nil, err
		}
		if node != x {
			node.wipe()
		}
		node = next
	}
	return node, nil
}

// privateKey returns x's key as a neo-go private key.
func (x *extendedKey) privateKey() (*keys.PrivateKey, error) {
	return keys.NewPrivateKeyFromBytes(x.key[:])
}

func (x *extendedKey) wipe() {
	clear(x.key[:])
	clear(x.chain[:])
}

// String returns "[redacted]".
func (x extendedKey) String() string { return redacted }

// Format writes "[redacted]" for every fmt verb.
func (x extendedKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// addScalars returns (il + parent) mod n and true, or false when il >= n
// or the sum is zero, the two cases SLIP-0010 retries.
func addScalars(il []byte, parent *big.Int) (*big.Int, bool) {
	k := new(big.Int).SetBytes(il)
	if k.Cmp(curveOrder) >= 0 {
		return nil, false
	}
	k.Add(k, parent)
	k.Mod(k, curveOrder)
	return k, k.Sign() != 0
}

func validScalar(b []byte) bool {
	k := new(big.Int).SetBytes(b)
	return k.Sign() != 0 && k.Cmp(curveOrder) < 0
}

func splitNode(i *[64]byte) *extendedKey {
	node := &extendedKey{}
	copy(node.key[:], i[:32])
	copy(node.chain[:], i[32:])
	clear(i[:])
	return node
}

func hmacSHA512(key, data []byte) [64]byte {
	mac := hmac.New(sha512.New, key)
	mac.Write(data)
	var out [64]byte
	mac.Sum(out[:0])
	return out
}

// compressedPublicKey returns the 33-byte SEC 1 compressed point k*G.
func compressedPublicKey(k []byte) ([]byte, error) {
	priv, err := ecdh.P256().NewPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("public key of derived scalar: %w", err)
	}
	point := priv.PublicKey().Bytes() // 0x04 || X || Y
	if len(point) != 65 {
		return nil, errors.New("public key of derived scalar: unexpected point encoding")
	}
	out := make([]byte, 33)
	out[0] = 2 + point[64]&1
	copy(out[1:], point[1:33])
	return out, nil
}

// deriver derives account keys from the node at m/44'/888'/0'/0', which it
// computes once from the seed. It is safe for concurrent use.
type deriver struct {
	// branch returns the node. It is a function for the reason given on
	// Seed.secret.
	branch func() *extendedKey
}

func newDeriver(seed Seed) (*deriver, error) {
	if seed.IsZero() {
		return nil, errors.New("seed is missing")
	}
	master := masterKey(seed.bytes())
	defer master.wipe()

	branch, err := master.derive(accountBranch)
	if err != nil {
		return nil, fmt.Errorf("derive account branch: %w", err)
	}
	return &deriver{branch: func() *extendedKey { return branch }}, nil
}

// key derives the private key of account index (path m/44'/888'/0'/0'/i').
// The caller must Destroy it after use.
func (d *deriver) key(index int64) (*keys.PrivateKey, error) {
	if index < 0 || index > MaxAccountIndex {
		return nil, fmt.Errorf("account index %d is outside [0, %d]", index, MaxAccountIndex)
	}
	node, err := d.branch().child(uint32(index) | hardenedOffset)
	if err != nil {
		return nil, fmt.Errorf("derive account %d: %w", index, err)
	}
	defer node.wipe()
	return node.privateKey()
}

// publicKey derives the public key of account index.
func (d *deriver) publicKey(index int64) (*keys.PublicKey, error) {
	k, err := d.key(index)
	if err != nil {
		return nil, err
	}
	defer k.Destroy()
	return k.PublicKey(), nil
}
