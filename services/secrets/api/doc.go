// Package api is the Secrets service's mesh interface: its route table,
// the request and response types, the problem codes its errors carry, and
// a typed Client. Other services import this package, never the secrets
// package itself.
//
// Two kinds of callers use it. The oracle, compute and automation
// services resolve values with RouteResolve. The service that resolves is
// the caller identity the mesh verified from the client certificate,
// never a field of the request body. Owners manage their secrets through
// the public gateway or the CLI, which call the owner routes. Those name
// the owner in the request body: the gateway or CLI must have
// authenticated the owner first, because this service only checks that
// the mesh caller is one of them.
//
// A resolved value crosses the mesh only in the body of a ResolveResponse.
// The mesh keeps the response of any call that carries an Idempotency-Key
// in its idempotency store, so RouteResolve rejects such calls and Client
// never sends a key on it (nor on RoutePut, whose body holds the value).
// Value, ResolveResponse and PutRequest print as [redacted] through fmt
// and log/slog.
//
// The package does not authenticate owners, and it has no route to read
// the audit log yet.
package api
