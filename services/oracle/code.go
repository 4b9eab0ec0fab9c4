package oracle

import (
	"errors"
	"unicode/utf8"

	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// ErrSecretDenied marks a secret reference the Secrets service would not
// resolve for this request: unknown, denied by its access list, or its
// latest version deleted. A SecretResolver returns errors wrapping it for
// those cases.
var ErrSecretDenied = errors.New("secret denied")

// maxReasonBytes caps the reason returned with a failure code.
const maxReasonBytes = 256

// egressCodes maps egress sentinels to result codes and fixed reasons. The
// reasons leave out the detail in the error (resolved addresses, server
// media types), which stays in the service log.
var egressCodes = []struct {
	err    error
	code   result.Code
	reason string
}{
	{egress.ErrForbiddenAddress, result.Forbidden, "forbidden address"},
	{egress.ErrRedirectNotAllowed, result.Forbidden, "redirect not allowed"},
	{egress.ErrProtocolNotSupported, result.ProtocolNotSupported, "protocol not supported, use https"},
	{egress.ErrInvalidURL, result.PayloadInvalid, "invalid URL"},
	{egress.ErrInvalidRequest, result.PayloadInvalid, "invalid request"},
	{egress.ErrTimeout, result.Timeout, "timeout"},
	{egress.ErrTooLarge, result.ResponseTooLarge, "response too large"},
	{egress.ErrContentType, result.ContentTypeNotSupported, "content type not supported"},
	{egress.ErrNotFound, result.NotFound, "not found"},
	{egress.ErrTooManyRedirects, result.Error, "too many redirects"},
	{egress.ErrNetwork, result.Error, "network error"},
}

// Classify maps an error from ParsePayload, Payload.Request, egress or a
// filter to the result code for the callback and a short reason that is
// safe to publish on chain. Payload, filter and secret errors keep their
// text, which quotes only the public payload; any other detail is
// dropped. An unknown error gives result.Error.
func Classify(err error) (result.Code, string) {
	var ferr *FilterError
	var serr *egress.StatusError
	switch {
	case err == nil:
		return result.Success, ""
	case errors.As(err, &ferr):
		return result.FilterError, truncate(ferr.Error())
	case errors.Is(err, ErrInvalidPayload):
		return result.PayloadInvalid, truncate(err.Error())
	case errors.Is(err, ErrSecretDenied):
		return result.SecretDenied, truncate(err.Error())
	case errors.Is(err, ErrResultTooLarge):
		return result.ResponseTooLarge, truncate(err.Error())
	case errors.As(err, &serr) && serr.StatusCode != 404:
		return result.Error, serr.Error()
	}
	for _, m := range egressCodes {
		if errors.Is(err, m.err) {
			return m.code, m.reason
		}
	}
	return result.Error, "internal error"
}

// truncate cuts s to maxReasonBytes without splitting a UTF-8 sequence.
func truncate(s string) string {
	if len(s) <= maxReasonBytes {
		return s
	}
	cut := maxReasonBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
