package mesh

import (
	"net/http"
	"time"
)

// maxIdempotencyKeyBytes bounds the Idempotency-Key header.
const maxIdempotencyKeyBytes = 255

// idempotencyKey returns the request's Idempotency-Key, or "" when there is
// none, and rejects an invalid key or a missing one on a route that
// requires it.
func idempotencyKey(r *http.Request, route Route) (string, *Error) {
	values := r.Header.Values(IdempotencyKeyHeader)
	if len(values) == 0 {
		if route.KeyRequired {
			return "", NewError(http.StatusBadRequest, ErrIdempotencyKeyRequired, "route requires an Idempotency-Key")
		}
		return "", nil
	}
	if len(values) > 1 || !validIdempotencyKey(values[0]) {
		return "", Errorf(http.StatusBadRequest, ErrIdempotencyKeyInvalid,
			"Idempotency-Key must be one value of 1 to %d visible ASCII characters", maxIdempotencyKeyBytes)
	}

	return values[0], nil
}

// validIdempotencyKey reports whether key is 1 to 255 bytes of visible
// ASCII, so that it can sit in a header, a log line and a signed message.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > maxIdempotencyKeyBytes {
		return false
	}
	for i := range len(key) {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}

	return true
}

// checkSignature checks the freshness of a critical request's
// Mesh-Signature, verifies it against the caller's certificate key, then
// records its nonce so that the same signature is accepted once.
func (s *Server) checkSignature(r *http.Request, req *Request, body []byte) *Error {
	values := r.Header.Values(SignatureHeader)
	if len(values) == 0 {
		return NewError(http.StatusUnauthorized, ErrSignatureMissing, "critical route requires a Mesh-Signature")
	}
	if len(values) > 1 {
		return NewError(http.StatusUnauthorized, ErrSignatureInvalid, "more than one Mesh-Signature")
	}

	sig, err := parseSignature(values[0])
	if err != nil {
		return Errorf(http.StatusUnauthorized, ErrSignatureInvalid, "malformed Mesh-Signature: %s", err)
	}

	// The cheap freshness check runs before the ECDSA verification.
	now := s.cfg.Now()
	signedAt := time.UnixMilli(sig.signedAt)
	if skew := now.Sub(signedAt).Abs(); skew > MaxSignatureSkew {
		return Errorf(http.StatusUnauthorized, ErrSignatureExpired,
			"signature time is %s from the server clock, more than %s", skew.Round(time.Millisecond), MaxSignatureSkew)
	}

	fields := signedFields{
		caller:         req.Caller,
		callee:         s.cfg.Service,
		method:         req.Route.Method,
		path:           req.Route.Path,
		body:           body,
		idempotencyKey: req.IdempotencyKey,
	}
	if !verify(r.TLS.PeerCertificates[0].PublicKey, fields, sig) {
		return NewError(http.StatusUnauthorized, ErrSignatureInvalid,
			"signature does not verify with the client certificate key")
	}

	// The nonce is kept a little past the skew window, after which the
	// freshness check alone rejects the signature.
	expires := signedAt.Add(MaxSignatureSkew + time.Second)
	fresh, full := s.replay.add(req.Caller+"\x00"+string(sig.nonce), expires, now)
	switch {
	case full:
		return NewError(http.StatusServiceUnavailable, ErrUnavailable, "replay cache full, retry later")
	case !fresh:
		return NewError(http.StatusUnauthorized, ErrSignatureReplayed, "signature nonce already used")
	}

	return nil
}
