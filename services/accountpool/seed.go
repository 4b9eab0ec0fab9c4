package accountpool

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
)

const (
	// MinSeedBytes and MaxSeedBytes bound the master seed. SLIP-0010
	// allows 16 to 64 bytes. The pool requires at least 32, so the seed is
	// as strong as the P-256 keys derived from it.
	MinSeedBytes = 32
	MaxSeedBytes = 64

	redacted = "[redacted]"
)

// Seed is the master secret every pool account is derived from. Its
// String, GoString, Format, LogValue and MarshalText methods all print
// "[redacted]", so a seed never reaches a log or a dump by accident. The
// zero Seed is missing. Seeds are not comparable.
type Seed struct {
	// secret returns the seed bytes. It is a function because fmt prints a
	// function as an address: fmt calls no method of a value it reaches
	// through an unexported field, and would print bytes or pointers to
	// them there.
	secret func() []byte
}

// NewSeed returns a Seed holding a copy of b, which must be MinSeedBytes
// to MaxSeedBytes long.
func NewSeed(b []byte) (Seed, error) {
	if len(b) < MinSeedBytes || len(b) > MaxSeedBytes {
		return Seed{}, fmt.Errorf("seed is %d bytes, want %d to %d", len(b), MinSeedBytes, MaxSeedBytes)
	}
	b = append([]byte(nil), b...)
	return Seed{secret: func() []byte { return b }}, nil
}

// ParseSeed decodes a hex-encoded seed (64 to 128 hex digits). The error
// never contains the input.
func ParseSeed(s string) (Seed, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return Seed{}, fmt.Errorf("decode seed: invalid hex (%d characters)", len(s))
	}
	defer clear(b)
	return NewSeed(b)
}

// IsZero reports whether the seed is missing.
func (s Seed) IsZero() bool {
	return s.secret == nil
}

// bytes returns the seed itself. Callers must not keep or change it.
func (s Seed) bytes() []byte {
	if s.secret == nil {
		return nil
	}
	return s.secret()
}

// String returns "[redacted]".
func (s Seed) String() string { return redacted }

// GoString returns "[redacted]", for the %#v verb.
func (s Seed) GoString() string { return redacted }

// Format writes "[redacted]" for every fmt verb.
func (s Seed) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]" for slog.
func (s Seed) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", so encoding a config never writes the
// seed out.
func (s Seed) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// UnmarshalText decodes a hex seed as ParseSeed does, so a config file can
// carry one.
func (s *Seed) UnmarshalText(text []byte) error {
	seed, err := ParseSeed(string(text))
	if err != nil {
		return err
	}
	*s = seed
	return nil
}
