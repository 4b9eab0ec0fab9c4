package secrets

import (
	"fmt"
	"io"
	"log/slog"
)

// MaxValueBytes is the maximum size of a secret value.
const MaxValueBytes = 64 << 10

// Value is a resolved secret value. Its String, Format, LogValue and
// MarshalText methods print "[redacted]". Only Bytes reveals it, so a
// value passed to a logger or an encoder by accident stays hidden.
type Value struct {
	b []byte
}

// Bytes returns the value. The caller owns the returned slice and should
// clear it once used.
func (v Value) Bytes() []byte { return v.b }

// Len returns the size of the value in bytes.
func (v Value) Len() int { return len(v.b) }

// String returns "[redacted]".
func (v Value) String() string { return redacted }

// GoString returns "[redacted]", for the %#v verb.
func (v Value) GoString() string { return redacted }

// Format prints "[redacted]" for every verb, including %x and %d.
func (v Value) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue makes slog print "[redacted]".
func (v Value) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", so a Value placed in a JSON or YAML
// document by mistake does not leak. Send Bytes explicitly where the value
// must travel.
func (v Value) MarshalText() ([]byte, error) { return []byte(redacted), nil }

func validateValue(value []byte) error {
	if len(value) == 0 || len(value) > MaxValueBytes {
		return fmt.Errorf("%w: %d bytes, want 1 to %d", ErrInvalidValue, len(value), MaxValueBytes)
	}
	return nil
}
