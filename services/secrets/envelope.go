package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// aadLabel starts the associated data of every envelope, so ciphertexts of
// this format never verify under another protocol's associated data.
const aadLabel = "neo-service-layer/secrets/v1"

// Purposes of an AEAD operation, bound into the associated data so the
// wrapped data key and the value ciphertext cannot stand in for each other.
const (
	purposeValue   byte = 1
	purposeDataKey byte = 2
)

const nonceSize = 12

// sealed is one stored secret version: the value encrypted under a fresh
// data key, and the data key wrapped under the master key. Both are
// nonce || ciphertext || tag.
type sealed struct {
	KeyID      string
	WrappedKey []byte
	Ciphertext []byte
}

// slot names the row a version belongs to. Its bytes are the associated
// data of both ciphers.
type slot struct {
	Owner   util.Uint160
	Name    string
	Version uint64
}

func (s slot) aad(purpose byte) []byte {
	b := make([]byte, 0, len(aadLabel)+1+util.Uint160Size+4+len(s.Name)+8)
	b = append(b, aadLabel...)
	b = append(b, purpose)
	b = append(b, s.Owner.BytesBE()...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Name)))
	b = append(b, s.Name...)
	return binary.LittleEndian.AppendUint64(b, s.Version)
}

// seal encrypts value for slot s under a data key read from rand, and
// wraps that data key under m. Each data key encrypts exactly one value,
// so its random nonce can never repeat under it.
func seal(m MasterKey, rand io.Reader, s slot, value []byte) (sealed, error) {
	dataKey := make([]byte, KeySize)
	defer clear(dataKey)
	if _, err := io.ReadFull(rand, dataKey); err != nil {
		return sealed{}, fmt.Errorf("generate data key: %w", err)
	}

	ct, err := gcmSeal(dataKey, rand, value, s.aad(purposeValue))
	if err != nil {
		return sealed{}, fmt.Errorf("encrypt value: %w", err)
	}
	// NOTE: the master key wraps data keys under random 96-bit nonces,
	// which stays within NIST SP 800-38D's limit of 2^32 encryptions per
	// key for any realistic number of secret versions.
	wrapped, err := gcmSeal(m.k[:], rand, dataKey, s.aad(purposeDataKey))
	if err != nil {
		return sealed{}, fmt.Errorf("wrap data key: %w", err)
	}
	return sealed{KeyID: m.ID(), WrappedKey: wrapped, Ciphertext: ct}, nil
}

// open reverses seal. Any mismatch (another master key, a changed byte, a
// blob moved from another slot) returns an error wrapping
// ErrUndecryptable.
func open(m MasterKey, s slot, e sealed) ([]byte, error) {
	if e.KeyID != m.ID() {
		return nil, fmt.Errorf("%w: sealed under master key %s, but the service uses %s",
			ErrUndecryptable, e.KeyID, m.ID())
	}

	dataKey, err := gcmOpen(m.k[:], e.WrappedKey, s.aad(purposeDataKey))
	if err != nil {
		return nil, fmt.Errorf("%w: unwrap data key: %w", ErrUndecryptable, err)
	}
	defer clear(dataKey)

	value, err := gcmOpen(dataKey, e.Ciphertext, s.aad(purposeValue))
	if err != nil {
		return nil, fmt.Errorf("%w: decrypt value: %w", ErrUndecryptable, err)
	}
	return value, nil
}

func gcmSeal(key []byte, rand io.Reader, plaintext, aad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(rand, out); err != nil {
		return nil, fmt.Errorf("read nonce: %w", err)
	}
	return aead.Seal(out, out, plaintext, aad), nil
}

func gcmOpen(key, box, aad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(box) < nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("ciphertext is %d bytes, shorter than nonce and tag", len(box))
	}
	return aead.Open(nil, box[:nonceSize], box[nonceSize:], aad)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
