// Package secrets stores contract owners' secrets (API keys, tokens) and
// releases them only to the services and contracts the owner allowed.
//
// A secret belongs to an owner, a Neo account script hash, and has a name
// (see ValidateName). Every Put creates a new version, numbered 1, 2, 3 and
// so on. Version numbers are never reused for a name, even after all its
// versions were deleted, so a reference name@N never resolves to a value
// other than the one first stored as version N.
//
// Each version is sealed in an AES-256-GCM envelope: a fresh random data
// key encrypts the value, and the service's master key wraps the data key.
// The associated data of both ciphers binds the owner, the name and the
// version, so a ciphertext or wrapped key copied to another row fails to
// open.
//
// Access is a per-secret list of services (such as "oracle") and
// requesting contracts. Resolve releases a value only when both the
// calling service and the contract are allowed and neither is denied: an
// explicit deny beats any allow. Resolving the latest version fails closed
// when that version was deleted; it never falls back to an older value.
//
// Every resolve, allowed or not, and every owner change appends an entry to
// an audit log in the same transaction as the decision. Entries form a
// SHA-256 hash chain, and VerifyAudit reports the first broken link.
//
// Endpoints serves the routes of package api on the mesh. There the
// resolving service is the identity the mesh verified from the caller's
// certificate, and the owner routes admit only the gateway, the CLI and
// the dev tour.
//
// The package does not authenticate owners or callers: its methods take
// an owner and a caller service that the layer in front (the mesh, the
// gateway) has already verified.
package secrets
