package secrets

import (
	"fmt"
)

// MaxNameLen is the maximum length of a secret name in bytes.
const MaxNameLen = 64

// MaxServiceLen is the maximum length of a service name in bytes.
const MaxServiceLen = 32

// ValidateName checks a secret name: 1 to MaxNameLen characters, each an
// ASCII letter, a digit, '_', '-' or '.'. The oracle's {{secret:name}}
// references accept the same names. It returns an error wrapping
// ErrInvalidName.
func ValidateName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("%w: length %d, want 1 to %d", ErrInvalidName, len(name), MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		if !nameByte(name[i]) {
			return fmt.Errorf("%w: byte %d is %q, want a letter, digit, '_', '-' or '.'",
				ErrInvalidName, i, name[i])
		}
	}
	return nil
}

// ValidateService checks a service name as the access list stores it:
// 1 to MaxServiceLen characters, a lower-case ASCII letter first, then
// lower-case letters, digits, '_' or '-'. It returns an error wrapping
// ErrInvalidSubject.
func ValidateService(service string) error {
	if service == "" || len(service) > MaxServiceLen {
		return fmt.Errorf("%w: service name length %d, want 1 to %d",
			ErrInvalidSubject, len(service), MaxServiceLen)
	}
	if service[0] < 'a' || service[0] > 'z' {
		return fmt.Errorf("%w: service name %q must start with a lower-case letter",
			ErrInvalidSubject, service)
	}
	for i := 1; i < len(service); i++ {
		c := service[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("%w: service name %q contains %q", ErrInvalidSubject, service, c)
		}
	}
	return nil
}

func nameByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '_', c == '-', c == '.':
		return true
	}
	return false
}
