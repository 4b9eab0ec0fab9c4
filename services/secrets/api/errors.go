package api

import "github.com/neo-service-layer/servicelayer/internal/mesh"

// Problem codes of the Secrets service. Match them with errors.Is on an
// error from Client.
const (
	// ErrNotFound (404): the secret, or the requested version, does not
	// exist. A resolve gets it only after passing the access list.
	ErrNotFound = mesh.Code("secret_not_found")
	// ErrDenied (403): the secret's access list does not let the calling
	// service, or the contract it acts for, resolve the secret. An unknown
	// secret is denied the same way, so a resolver learns nothing about
	// secrets it may not read.
	ErrDenied = mesh.Code("secret_denied")
	// ErrLatestDeleted (410): the latest version was deleted, so resolving
	// the latest version fails instead of returning an older one.
	ErrLatestDeleted = mesh.Code("secret_latest_deleted")
	// ErrInvalidName (400): the secret name is not 1 to 64 characters of
	// ASCII letters, digits, '_', '-' and '.'.
	ErrInvalidName = mesh.Code("invalid_secret_name")
	// ErrInvalidValue (400): the value is empty or larger than 64 KiB.
	ErrInvalidValue = mesh.Code("invalid_secret_value")
	// ErrInvalidSubject (400): an access rule's service name or contract
	// hash is malformed, or a resolve names the zero contract hash.
	ErrInvalidSubject = mesh.Code("invalid_subject")
	// ErrInvalidOwner (400): the owner is the zero script hash.
	ErrInvalidOwner = mesh.Code("invalid_owner")
	// ErrLimit (409): the change would pass the limit on secrets per
	// owner, versions per secret or access rules per secret.
	ErrLimit = mesh.Code("secret_limit_reached")
	// ErrUndecryptable (500): the stored version does not open with the
	// service's master key. It was sealed under another key or its bytes
	// were changed, which needs an operator's look.
	ErrUndecryptable = mesh.Code("secret_undecryptable")
	// ErrInvalidRequest (400): the request is malformed in a way the codes
	// above do not cover, such as a subject naming both a service and a
	// contract.
	ErrInvalidRequest = mesh.Code("invalid_request")
	// ErrIdempotencyKeyNotAllowed (400): RouteResolve or RoutePut got an
	// Idempotency-Key, which would make the mesh keep the value or a
	// digest of it.
	ErrIdempotencyKeyNotAllowed = mesh.Code("idempotency_key_not_allowed")
)
