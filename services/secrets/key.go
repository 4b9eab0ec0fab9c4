package secrets

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// KeySize is the size of the master key and of every data key in bytes
// (AES-256).
const KeySize = 32

const redacted = "[redacted]"

// MasterKey is the service's key-encryption key. It wraps the data key of
// every secret version and authenticates the audit log head. Its String,
// Format and LogValue methods print "[redacted]", so logging or printing
// it by accident reveals nothing. The zero value is not a usable key.
type MasterKey struct {
	k [KeySize]byte
	// set is false for the zero value, so a forgotten key is rejected
	// instead of acting as a key of 32 zero bytes.
	set bool
}

// NewMasterKey copies a 32-byte key. In production the bytes come from
// MarbleRun; in dev from a key file (see LoadKeyFile).
func NewMasterKey(b []byte) (MasterKey, error) {
	if len(b) != KeySize {
		return MasterKey{}, fmt.Errorf("master key is %d bytes, want %d", len(b), KeySize)
	}
	var m MasterKey
	copy(m.k[:], b)
	m.set = true
	return m, nil
}

// GenerateMasterKey reads a new key from rand (crypto/rand.Reader in
// production).
func GenerateMasterKey(rand io.Reader) (MasterKey, error) {
	b := make([]byte, KeySize)
	defer clear(b)
	if _, err := io.ReadFull(rand, b); err != nil {
		return MasterKey{}, fmt.Errorf("generate master key: %w", err)
	}
	return NewMasterKey(b)
}

// ID returns a fingerprint of the key: 16 hex digits of a SHA-256 hash
// under a label of this package. It is safe to log and is stored next to
// each version so that a version sealed under another key is reported as
// such.
func (m MasterKey) ID() string {
	h := sha256.New()
	h.Write([]byte("neo-service-layer/secrets/key-id/v1"))
	h.Write(m.k[:])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// subkey derives a key for a purpose other than wrapping data keys, so the
// master key itself is used for one job only.
func (m MasterKey) subkey(label string) []byte {
	mac := hmac.New(sha256.New, m.k[:])
	mac.Write([]byte(label))
	return mac.Sum(nil)
}

// String returns "[redacted]".
func (m MasterKey) String() string { return redacted }

// GoString returns "[redacted]", for the %#v verb.
func (m MasterKey) GoString() string { return redacted }

// Format prints "[redacted]" for every verb, including %x and %d.
func (m MasterKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue makes slog print "[redacted]".
func (m MasterKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", so encoders never see the key bytes.
func (m MasterKey) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LoadKeyFile reads a master key from a file holding exactly 32 raw bytes.
// It rejects a file that its group or others may read or write, because
// the key protects every stored secret.
func LoadKeyFile(path string) (MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return MasterKey{}, fmt.Errorf("open master key: %w", err)
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return MasterKey{}, fmt.Errorf("stat master key: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return MasterKey{}, fmt.Errorf("master key %s has mode %#o, want 0600 or stricter", path, perm)
	}

	b := make([]byte, KeySize+1)
	defer clear(b)
	n, err := io.ReadFull(f, b)
	if n != KeySize || !errors.Is(err, io.ErrUnexpectedEOF) {
		return MasterKey{}, fmt.Errorf("master key %s: want exactly %d bytes", path, KeySize)
	}
	return NewMasterKey(b[:KeySize])
}

// CreateKeyFile generates a master key from rand and writes it to path
// with mode 0600. It fails if path exists, so it never replaces the key
// that existing secrets are sealed under.
func CreateKeyFile(path string, rand io.Reader) (MasterKey, error) {
	m, err := GenerateMasterKey(rand)
	if err != nil {
		return MasterKey{}, err
	}

	if err := writeNewFile(path, m.k[:]); err != nil {
		return MasterKey{}, fmt.Errorf("create master key: %w", err)
	}
	return m, nil
}

// writeNewFile writes b to a new file with mode 0600 and syncs it. It
// removes the file again if writing fails, so a retry is not blocked by a
// partial key.
func writeNewFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}
