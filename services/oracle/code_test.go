package oracle

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

func TestClassify(t *testing.T) {
	wrap := func(err error) error {
		return fmt.Errorf("GET https://example.com/x?[redacted]: %w: detail 10.0.0.1", err)
	}
	tests := []struct {
		name   string
		err    error
		code   result.Code
		reason string
	}{
		{name: "nil", err: nil, code: result.Success, reason: ""},
		{name: "forbidden", err: wrap(egress.ErrForbiddenAddress), code: result.Forbidden, reason: "forbidden address"},
		{name: "redirect", err: wrap(egress.ErrRedirectNotAllowed), code: result.Forbidden, reason: "redirect not allowed"},
		{name: "protocol", err: wrap(egress.ErrProtocolNotSupported), code: result.ProtocolNotSupported, reason: "protocol not supported, use https"},
		{name: "invalid url", err: wrap(egress.ErrInvalidURL), code: result.PayloadInvalid, reason: "invalid URL"},
		{name: "invalid request", err: wrap(egress.ErrInvalidRequest), code: result.PayloadInvalid, reason: "invalid request"},
		{name: "timeout", err: wrap(egress.ErrTimeout), code: result.Timeout, reason: "timeout"},
		{name: "too large", err: wrap(egress.ErrTooLarge), code: result.ResponseTooLarge, reason: "response too large"},
		{name: "content type", err: wrap(egress.ErrContentType), code: result.ContentTypeNotSupported, reason: "content type not supported"},
		{name: "not found", err: wrap(&egress.StatusError{StatusCode: 404}), code: result.NotFound, reason: "not found"},
		{name: "server error", err: wrap(&egress.StatusError{StatusCode: 503}), code: result.Error, reason: "HTTP status 503"},
		{name: "redirects", err: wrap(egress.ErrTooManyRedirects), code: result.Error, reason: "too many redirects"},
		{name: "network", err: wrap(egress.ErrNetwork), code: result.Error, reason: "network error"},
		{name: "filter", err: &FilterError{Reason: "invalid JSONPath"}, code: result.FilterError, reason: "filter error: invalid JSONPath"},
		{name: "result size", err: fmt.Errorf("%w: over 32768 bytes", ErrResultTooLarge), code: result.ResponseTooLarge, reason: "result too large: over 32768 bytes"},
		{name: "payload", err: invalidf("missing %q", "url"), code: result.PayloadInvalid, reason: `invalid oracle payload: missing "url"`},
		{name: "secret", err: fmt.Errorf("%w: apikey@2", ErrSecretDenied), code: result.SecretDenied, reason: "secret denied: apikey@2"},
		{name: "unknown", err: errors.New("disk on fire at /var/x"), code: result.Error, reason: "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, reason := Classify(tc.err)
			require.Equal(t, tc.code, code)
			require.Equal(t, tc.reason, reason)
		})
	}
}

func TestClassifyTruncatesReason(t *testing.T) {
	_, reason := Classify(invalidf("%s", strings.Repeat("é", 300)))
	require.LessOrEqual(t, len(reason), maxReasonBytes)
	require.True(t, utf8.ValidString(reason))
}
