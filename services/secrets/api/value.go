package api

import (
	"fmt"
	"io"
	"log/slog"
)

const redacted = "[redacted]"

// Value is a resolved secret value. Its String, Format, LogValue and
// MarshalText methods print "[redacted]", so a value passed to a logger
// or an encoder by accident stays hidden. Only Bytes reveals it.
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

// MarshalText returns "[redacted]".
func (v Value) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// String describes the response with its value redacted.
func (r ResolveResponse) String() string {
	return fmt.Sprintf("{value:%s version:%d}", redacted, r.Version)
}

// GoString is String, for the %#v verb.
func (r ResolveResponse) GoString() string { return r.String() }

// Format prints String for every verb.
func (r ResolveResponse) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue logs the version and a redacted value.
func (r ResolveResponse) LogValue() slog.Value {
	return slog.GroupValue(slog.String("value", redacted), slog.Uint64("version", r.Version))
}

// String describes the request with its value redacted.
func (r PutRequest) String() string {
	return fmt.Sprintf("{owner:%s name:%q value:%s}", r.Owner.StringLE(), r.Name, redacted)
}

// GoString is String, for the %#v verb.
func (r PutRequest) GoString() string { return r.String() }

// Format prints String for every verb.
func (r PutRequest) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue logs the owner, the name and a redacted value.
func (r PutRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("owner", r.Owner.StringLE()),
		slog.String("name", r.Name),
		slog.String("value", redacted),
	)
}
