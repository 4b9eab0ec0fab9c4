package mesh

// Codes of problems the mesh server sends itself, before or around a
// handler. Handlers declare their own codes the same way.
const (
	// ErrInternal (500): the handler failed; the detail is generic and
	// the full error is in the callee's log.
	ErrInternal = Code("internal")
	// ErrRouteNotFound (404): no route has this path.
	ErrRouteNotFound = Code("route_not_found")
	// ErrMethodNotAllowed (405): the path exists with another method.
	ErrMethodNotAllowed = Code("method_not_allowed")
	// ErrServiceIDMissing (403): the X-Service-ID header is absent.
	ErrServiceIDMissing = Code("service_id_missing")
	// ErrIdentityMismatch (403): X-Service-ID names another service than
	// the client certificate.
	ErrIdentityMismatch = Code("identity_mismatch")
	// ErrCallerNotAllowed (403): the route does not list the caller.
	ErrCallerNotAllowed = Code("caller_not_allowed")
	// ErrInvalidBody (400): the body is not the JSON the route expects.
	ErrInvalidBody = Code("invalid_body")
	// ErrBodyTooLarge (413): the body exceeds the server's limit.
	ErrBodyTooLarge = Code("body_too_large")
	// ErrUnsupportedMediaType (415): a body was sent that is not JSON.
	ErrUnsupportedMediaType = Code("unsupported_media_type")
	// ErrSignatureMissing (401): a critical route got no Mesh-Signature.
	ErrSignatureMissing = Code("signature_missing")
	// ErrSignatureInvalid (401): the signature header is malformed or the
	// signature does not verify with the caller's certificate key.
	ErrSignatureInvalid = Code("signature_invalid")
	// ErrSignatureExpired (401): the signature's timestamp is more than
	// the allowed skew away from the server's clock.
	ErrSignatureExpired = Code("signature_expired")
	// ErrSignatureReplayed (401): the signature's nonce was already used.
	ErrSignatureReplayed = Code("signature_replayed")
	// ErrIdempotencyKeyInvalid (400): the Idempotency-Key header is empty,
	// too long or has characters outside visible ASCII.
	ErrIdempotencyKeyInvalid = Code("idempotency_key_invalid")
	// ErrIdempotencyKeyRequired (400): the route requires an
	// Idempotency-Key and none was sent.
	ErrIdempotencyKeyRequired = Code("idempotency_key_required")
	// ErrIdempotencyKeyReused (422): the key was used before with another
	// body on the same route.
	ErrIdempotencyKeyReused = Code("idempotency_key_reused")
	// ErrIdempotencyInFlight (409): a request with the same key is still
	// running and did not finish within this request's deadline.
	ErrIdempotencyInFlight = Code("idempotency_in_flight")
	// ErrTimeout (504): the handler did not finish before its deadline.
	ErrTimeout = Code("timeout")
	// ErrUnavailable (503): the server is shutting down, unhealthy or out
	// of room in a bounded cache.
	ErrUnavailable = Code("unavailable")
	// ErrUpstreamFailed: the handler's own mesh call failed and the
	// handler passed that error on (424 when the upstream responded with a
	// 4xx problem, 504 on its timeout, 502 otherwise).
	ErrUpstreamFailed = Code("upstream_failed")
)

// Codes the client reports without a problem body from the upstream.
const (
	// ErrUnreachable: no response arrived (connection or TLS failure).
	// The *Error unwraps to the transport error.
	ErrUnreachable = Code("unreachable")
	// ErrCircuitOpen: the upstream's circuit breaker is open, so the call
	// was not sent.
	ErrCircuitOpen = Code("circuit_open")
	// ErrDeadlineExceeded: the call's deadline passed. The *Error unwraps
	// to the context error.
	ErrDeadlineExceeded = Code("deadline_exceeded")
	// ErrCanceled: the caller's context was canceled.
	ErrCanceled = Code("canceled")
	// ErrBadResponse: the upstream sent a response the client cannot
	// decode (not problem+json, an invalid code, or a bad success body).
	ErrBadResponse = Code("bad_response")
	// ErrUnresolved: discovery found no address for the upstream.
	ErrUnresolved = Code("unresolved")
)
