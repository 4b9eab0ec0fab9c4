package mesh

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

const errLeaseExpired = Code("lease_expired")

func TestProblemRoundTrip(t *testing.T) {
	sent := Errorf(http.StatusGone, errLeaseExpired, "lease %d expired", 7)

	body := encodeProblem(sent, "accountpool")
	got := decodeProblem(http.StatusGone, ProblemContentType, body)

	require.Equal(t, http.StatusGone, got.Status)
	require.Equal(t, errLeaseExpired, got.Code)
	require.Equal(t, "lease 7 expired", got.Detail)
	require.Equal(t, "accountpool", got.Service)
}

func TestEncodeProblemFields(t *testing.T) {
	body := string(encodeProblem(NewError(http.StatusForbidden, ErrCallerNotAllowed, "no"), "vrf"))

	require.Contains(t, body, `"type":"urn:servicelayer:problem:caller_not_allowed"`)
	require.Contains(t, body, `"title":"Forbidden"`)
	require.Contains(t, body, `"status":403`)
	require.Contains(t, body, `"code":"caller_not_allowed"`)
	require.Contains(t, body, `"service":"vrf"`)
}

func TestDecodeProblem(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		wantCode    Code
		wantDetail  string
		wantService string
	}{
		{
			name:        "problem with charset",
			contentType: "application/problem+json; charset=utf-8",
			body:        `{"code":"lease_expired","detail":"gone","service":"accountpool","status":500}`,
			wantCode:    errLeaseExpired,
			wantDetail:  "gone",
			wantService: "accountpool",
		},
		{name: "plain text", contentType: "text/plain", body: "oops", wantCode: ErrBadResponse,
			wantDetail: `non-problem response, content type "text/plain"`},
		{name: "invalid json", contentType: ProblemContentType, body: "{", wantCode: ErrBadResponse,
			wantDetail: "invalid problem body"},
		{name: "invalid code", contentType: ProblemContentType, body: `{"code":"Bad Code"}`,
			wantCode: ErrBadResponse, wantDetail: "problem with an invalid code"},
		{name: "invalid service dropped", contentType: ProblemContentType,
			body: `{"code":"x","service":"Not/A/Service"}`, wantCode: "x"},
		{name: "control characters replaced", contentType: ProblemContentType,
			body: `{"code":"x","detail":"a\u001b[31mb\nc"}`, wantCode: "x", wantDetail: "a?[31mb?c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeProblem(http.StatusBadGateway, tc.contentType, []byte(tc.body))

			require.Equal(t, http.StatusBadGateway, got.Status, "the HTTP status wins over the body's")
			require.Equal(t, tc.wantCode, got.Code)
			require.Equal(t, tc.wantDetail, got.Detail)
			require.Equal(t, tc.wantService, got.Service)
		})
	}
}

func TestDecodeProblemCutsLongDetail(t *testing.T) {
	body := `{"code":"x","detail":"` + strings.Repeat("é", 1000) + `"}`

	got := decodeProblem(http.StatusBadRequest, ProblemContentType, []byte(body))

	require.LessOrEqual(t, len(got.Detail), maxDetailBytes)
	require.True(t, utf8.ValidString(got.Detail))
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "local", err: NewError(http.StatusGone, errLeaseExpired, "lease 7"), want: "lease_expired (410): lease 7"},
		{
			name: "remote",
			err:  &Error{Status: 410, Code: errLeaseExpired, Upstream: "accountpool", Route: "POST /v1/sign"},
			want: "accountpool POST /v1/sign: lease_expired (410)",
		},
		{
			name: "transport",
			err:  &Error{Code: ErrUnreachable, Upstream: "vrf", Route: "GET /x", Err: errors.New("refused")},
			want: "vrf GET /x: unreachable: refused",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.err.Error())
		})
	}
}

func TestErrorMatchesCode(t *testing.T) {
	err := fmt.Errorf("sign fulfilment: %w", &Error{
		Status: 410, Code: errLeaseExpired, Upstream: "accountpool", Route: "POST /v1/sign",
		Err: context.DeadlineExceeded,
	})

	require.ErrorIs(t, err, errLeaseExpired)
	require.NotErrorIs(t, err, ErrInternal)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCodeValid(t *testing.T) {
	require.True(t, Code("lease_expired").Valid())
	require.True(t, Code("a1").Valid())
	require.False(t, Code("").Valid())
	require.False(t, Code("Lease").Valid())
	require.False(t, Code("_x").Valid())
	require.False(t, Code(strings.Repeat("a", 65)).Valid())
}

func FuzzDecodeProblem(f *testing.F) {
	f.Add(503, ProblemContentType, []byte(`{"code":"unavailable","detail":"x","service":"vrf"}`))
	f.Add(400, "application/problem+json;charset=utf-8", []byte(`{"code":"invalid_body"}`))
	f.Add(502, "text/html", []byte("<html>bad gateway</html>"))
	f.Add(500, ProblemContentType, []byte(`{"code":7,"detail":["x"]}`))
	f.Add(404, "", []byte{})
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		got := decodeProblem(status, contentType, body)

		require.Equal(t, status, got.Status)
		require.True(t, got.Code.Valid(), "code %q", got.Code)
		require.LessOrEqual(t, len(got.Detail), maxDetailBytes)
		require.True(t, utf8.ValidString(got.Detail))
		if got.Service != "" {
			require.NoError(t, ValidateServiceName(got.Service))
		}
		for _, r := range got.Detail {
			require.False(t, r < 0x20 || r == 0x7f, "control character %q in detail", r)
		}
	})
}

func TestMapError(t *testing.T) {
	errLeaseGone := errors.New("lease gone")
	mappings := []ErrorMapping{{Err: errLeaseGone, Status: http.StatusGone, Code: Code("lease_gone")}}

	got := MapError(fmt.Errorf("lease 7: %w", errLeaseGone), mappings)
	var e *Error
	require.ErrorAs(t, got, &e)
	require.Equal(t, http.StatusGone, e.Status)
	require.Equal(t, Code("lease_gone"), e.Code)
	require.Equal(t, "lease 7: lease gone", e.Detail)
	require.ErrorIs(t, got, errLeaseGone, "the local cause stays in the chain")

	other := errors.New("disk full")
	require.Same(t, other, MapError(other, mappings))
}
