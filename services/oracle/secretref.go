package oracle

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Secret reference syntax: {{secret:name}} for the latest version or
// {{secret:name@version}} for a fixed one.
const (
	refOpen   = "{{"
	refPrefix = "secret:"
	refClose  = "}}"
	// MaxSecretNameBytes is the longest secret name, as the Secrets service
	// allows.
	MaxSecretNameBytes = 64
)

// ErrMalformedRef marks text that starts like a secret reference but does
// not follow the syntax.
var ErrMalformedRef = errors.New("malformed secret reference, want {{secret:name}} or {{secret:name@version}}")

// SecretRef names a secret of the request's secrets owner. Names are 1 to
// 64 bytes of ASCII letters, digits, '_', '-' and '.'.
type SecretRef struct {
	// Name is the secret's name.
	Name string
	// Version is the version to use, from 1; 0 means the latest.
	Version uint32
}

// String returns the reference as name or name@version. It never contains
// the secret's value.
func (r SecretRef) String() string {
	if r.Version == 0 {
		return r.Name
	}
	return r.Name + "@" + strconv.FormatUint(uint64(r.Version), 10)
}

// SecretValue is the value of a resolved secret. It prints as [redacted]
// through fmt, slog and encoding/json, so that a value passed to a log or
// an error by mistake does not leak.
type SecretValue string

// String returns "[redacted]".
func (SecretValue) String() string { return "[redacted]" }

// GoString returns "[redacted]".
func (SecretValue) GoString() string { return "[redacted]" }

// Format writes "[redacted]" for every verb.
func (SecretValue) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "[redacted]") }

// LogValue returns "[redacted]".
func (SecretValue) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalText returns "[redacted]".
func (SecretValue) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// templatePart is literal text or one secret reference.
type templatePart struct {
	text  string
	ref   SecretRef
	isRef bool
	// offset is where the part starts in the template.
	offset int
}

// Template is text that may contain secret references.
type Template struct {
	parts []templatePart
}

// ParseTemplate finds the secret references in text. "{{" followed by
// optional blanks and the word "secret" (any case) must start a well-formed
// reference; any other "{{" is literal text. Errors wrap ErrMalformedRef
// and quote the text around the reference, never a secret value.
func ParseTemplate(text string) (Template, error) {
	var t Template
	literal := 0
	for i := 0; i < len(text); {
		at := strings.Index(text[i:], refOpen)
		if at < 0 {
			break
		}
		start := i + at
		if !looksLikeRef(text[start+len(refOpen):]) {
			i = start + len(refOpen)
			continue
		}

		ref, end, err := parseRef(text, start)
		if err != nil {
			return Template{}, err
		}
		if start > literal {
			t.parts = append(t.parts, templatePart{text: text[literal:start], offset: literal})
		}
		t.parts = append(t.parts, templatePart{ref: ref, isRef: true, offset: start})
		literal, i = end, end
	}
	if literal < len(text) {
		t.parts = append(t.parts, templatePart{text: text[literal:], offset: literal})
	}
	return t, nil
}

// looksLikeRef reports whether the text after "{{" is meant as a secret
// reference.
func looksLikeRef(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	return len(rest) >= len("secret") && strings.EqualFold(rest[:len("secret")], "secret")
}

// parseRef parses the reference that starts at text[start] and returns it
// with the offset just past its closing braces.
func parseRef(text string, start int) (SecretRef, int, error) {
	body := text[start+len(refOpen):]
	if !strings.HasPrefix(body, refPrefix) {
		return SecretRef{}, 0, refError(text, start)
	}
	body = body[len(refPrefix):]
	end := strings.Index(body, refClose)
	if end < 0 {
		return SecretRef{}, 0, refError(text, start)
	}

	name, version, hasVersion := strings.Cut(body[:end], "@")
	if !validSecretName(name) {
		return SecretRef{}, 0, fmt.Errorf("%w: invalid secret name %q", ErrMalformedRef, name)
	}
	ref := SecretRef{Name: name}
	if hasVersion {
		v, ok := parseVersion(version)
		if !ok {
			return SecretRef{}, 0, fmt.Errorf("%w: invalid version %q of secret %q", ErrMalformedRef, version, name)
		}
		ref.Version = v
	}
	next := start + len(refOpen) + len(refPrefix) + end + len(refClose)
	return ref, next, nil
}

func refError(text string, start int) error {
	excerpt := text[start:min(len(text), start+len(refOpen)+len(refPrefix)+MaxSecretNameBytes)]
	return fmt.Errorf("%w: at %q", ErrMalformedRef, excerpt)
}

// validSecretName reports whether name is 1 to MaxSecretNameBytes of ASCII
// letters, digits, '_', '-' and '.'.
func validSecretName(name string) bool {
	if name == "" || len(name) > MaxSecretNameBytes {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// parseVersion accepts a positive decimal integer without a sign or a
// leading zero that fits in 32 bits.
func parseVersion(s string) (uint32, bool) {
	if s == "" || s[0] == '0' || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err == nil
}

// Refs returns the distinct references in t in order of first appearance.
func (t Template) Refs() []SecretRef {
	var refs []SecretRef
	seen := make(map[SecretRef]bool)
	for _, p := range t.parts {
		if p.isRef && !seen[p.ref] {
			seen[p.ref] = true
			refs = append(refs, p.ref)
		}
	}
	return refs
}

// Render substitutes values for the references in t, passing each value
// through escape first (nil leaves values as they are). A reference
// without a value is an error that names the reference only.
func (t Template) Render(values map[SecretRef]SecretValue, escape func(string) string) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if !p.isRef {
			b.WriteString(p.text)
			continue
		}
		v, ok := values[p.ref]
		if !ok {
			return "", fmt.Errorf("no value for secret %s", p.ref)
		}
		s := string(v)
		if escape != nil {
			s = escape(s)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// firstRefOffset returns where the first reference in t starts, or -1.
func (t Template) firstRefOffset() int {
	for _, p := range t.parts {
		if p.isRef {
			return p.offset
		}
	}
	return -1
}
