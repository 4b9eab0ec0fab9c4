package secrets

import (
	"errors"
	"fmt"
)

// Conditions callers branch on. Errors returned by Service wrap one of
// these; test with errors.Is.
var (
	// ErrNotFound reports that the secret, or the requested version of it,
	// does not exist.
	ErrNotFound = errors.New("secret not found")
	// ErrDenied reports that the access list does not let the caller
	// resolve the secret. The error is a *DeniedError that names which
	// check failed.
	ErrDenied = errors.New("secret access denied")
	// ErrLatestDeleted reports that the latest version of a secret was
	// deleted, so resolving "latest" fails instead of returning an older
	// version.
	ErrLatestDeleted = errors.New("latest secret version deleted")
	// ErrInvalidName reports a secret name that ValidateName rejects.
	ErrInvalidName = errors.New("invalid secret name")
	// ErrInvalidValue reports a value that is empty or longer than
	// MaxValueBytes.
	ErrInvalidValue = errors.New("invalid secret value")
	// ErrInvalidSubject reports an access list subject that is malformed.
	ErrInvalidSubject = errors.New("invalid access subject")
	// ErrInvalidOwner reports the zero script hash as owner.
	ErrInvalidOwner = errors.New("invalid secret owner")
	// ErrLimit reports a change that would pass MaxSecrets, MaxVersions or
	// MaxRules.
	ErrLimit = errors.New("secret limit reached")
	// ErrUndecryptable reports a stored version that does not open with
	// the master key: it was encrypted under another key, or its bytes
	// were changed or moved to another row.
	ErrUndecryptable = errors.New("secret version does not decrypt")
)

// DeniedError is the error Resolve returns when the access list denies
// the caller. It matches ErrDenied with errors.Is.
type DeniedError struct {
	// Kind is the check that failed: KindService or KindContract.
	Kind SubjectKind
	// Explicit is true when a deny rule matched, and false when no allow
	// rule did.
	Explicit bool
}

// Error names the failed check without revealing any part of the access
// list beyond it.
func (e *DeniedError) Error() string {
	return fmt.Sprintf("%s: %s", ErrDenied, e.reason())
}

func (e *DeniedError) reason() string {
	if e.Explicit {
		return string(e.Kind) + " explicitly denied"
	}
	return string(e.Kind) + " not allowed"
}

// Is makes errors.Is(err, ErrDenied) true.
func (e *DeniedError) Is(target error) bool {
	return target == ErrDenied
}
