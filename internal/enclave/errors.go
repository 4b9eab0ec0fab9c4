package enclave

import "errors"

// Conditions Activate reports. Each error wraps one of these, with the
// coordinator's own message when it sent one.
var (
	// ErrCoordinatorUnreachable means no connection to the coordinator
	// succeeded before the activation timeout.
	ErrCoordinatorUnreachable = errors.New("coordinator unreachable")
	// ErrManifestNotSet means the coordinator accepts no marbles yet,
	// usually because no manifest is set.
	ErrManifestNotSet = errors.New("coordinator accepts no marbles: set the manifest first")
	// ErrActivationRejected means the coordinator refused the marble, for
	// example because its type is not in the manifest.
	ErrActivationRejected = errors.New("coordinator rejected the marble")
	// ErrInvalidParameters means the coordinator activated the marble but
	// what the manifest gave it is unusable: a missing or invalid mesh
	// certificate, another service's name, mesh rules that differ from
	// the binary's route tables, or a malformed secret.
	ErrInvalidParameters = errors.New("invalid marble parameters from the manifest")
	// ErrSecretNotFound is returned by Marble.Secret for a name the
	// manifest gave the service no secret for.
	ErrSecretNotFound = errors.New("secret not found")
)
