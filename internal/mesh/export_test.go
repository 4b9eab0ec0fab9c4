package mesh

import (
	"crypto"
	"crypto/rand"
	"time"
)

// SignForTest returns a Mesh-Signature value for a request built by hand.
func SignForTest(key crypto.Signer, caller, callee string, route Route, body []byte, idempotencyKey string,
	now time.Time,
) (string, error) {
	fields := signedFields{
		caller:         caller,
		callee:         callee,
		method:         route.Method,
		path:           route.Path,
		body:           body,
		idempotencyKey: idempotencyKey,
	}
	sig, err := sign(key, fields, now, rand.Reader)
	if err != nil {
		return "", err
	}

	return sig.format(), nil
}
