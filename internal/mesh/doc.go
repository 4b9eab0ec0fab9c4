// Package mesh is the only way Service Layer services call each other:
// mutual TLS 1.3 between services named by their certificates, with
// per-route policy, signed critical calls, de-duplication, deadlines,
// retries, circuit breakers, discovery, problem+json errors, trace context
// and metrics.
//
// # Identity
//
// A service's identity is its name ("vrf", "accountpool"), carried in its
// certificate as the URI SAN spiffe://servicelayer/<service>. One function
// (SPIFFEIdentity by default, any IdentityFunc in the configs) extracts it,
// on both sides of a connection. The server takes the caller's identity
// from its verified client certificate and rejects a request whose
// X-Service-ID header is missing or names anyone else. The client accepts
// only an upstream whose certificate names the service it dialled, so a
// certificate valid for one service cannot impersonate another. The mesh
// takes a tls.Certificate and a root pool and does not care where they
// came from; DevCA issues them for development and tests.
//
// # Routes
//
// A Route is data: method, exact path, allowed callers, whether it is
// critical or idempotent, whether it requires an Idempotency-Key, and its
// timeout. A service declares its table once, usually in its api package,
// binds handlers to it with Handle, and its callers use the same values
// with Client.Call. Critical routes require a Mesh-Signature (see
// SignatureHeader) made with the caller's certificate key. It covers the
// caller, callee, method, path, time, nonce, body digest and
// Idempotency-Key. The server rejects a signature more than 30 s from its
// clock, and one whose nonce it has seen.
//
// # Calls
//
// Client.Call resolves the upstream through a Resolver on every attempt
// and injects the W3C trace context of the caller's context. One deadline
// bounds the whole call: the call option, else the route's timeout, else
// the client default of 5 s, and never more than 60 s. Only idempotent
// routes and calls carrying an Idempotency-Key are retried, with
// full-jitter exponential backoff, and only after a connection failure,
// 429, 502, 503 or 504. Each upstream has a circuit breaker that opens
// after consecutive failures and half-opens after a timeout.
//
// # Errors
//
// Handlers return Go errors. An *Error chooses the status, stable code and
// detail the caller sees; anything else becomes 500 internal, with the
// full error only in the callee's log. Problems travel as RFC 9457
// application/problem+json with the extension members code and service.
// The client turns them back into an *Error that names the upstream and
// route and matches its Code with errors.Is, so a service's api package
// declares sentinels such as
//
//	const ErrLeaseExpired = mesh.Code("lease_expired")
//
// # Not here
//
// The package does not fetch certificates from an attestation service,
// rotate them while running, expose metrics over HTTP, or talk to hosts
// outside the mesh: calls to user-supplied URLs need an egress client that
// blocks private addresses, which this package is not.
package mesh
