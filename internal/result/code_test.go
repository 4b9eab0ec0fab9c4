package result_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

func TestCodeString(t *testing.T) {
	tests := []struct {
		code  result.Code
		want  string
		known bool
	}{
		{code: result.Success, want: "success", known: true},
		{code: result.ProtocolNotSupported, want: "protocol not supported", known: true},
		{code: result.ContentTypeNotSupported, want: "content type not supported", known: true},
		{code: result.PayloadInvalid, want: "payload invalid", known: true},
		{code: result.Expired, want: "expired", known: true},
		{code: result.Error, want: "error", known: true},
		{code: result.Code(0x11), want: "code 0x11", known: false},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, tc.code.String())
			require.Equal(t, tc.known, tc.code.Known())
		})
	}
}

func TestCodeValues(t *testing.T) {
	// The codes shared with Neo's native oracle keep its numbers, and the
	// Gateway contract hard-codes Expired as 0x23.
	require.Equal(t, result.Code(0x00), result.Success)
	require.Equal(t, result.Code(0x10), result.ProtocolNotSupported)
	require.Equal(t, result.Code(0x12), result.ConsensusUnreachable)
	require.Equal(t, result.Code(0x14), result.NotFound)
	require.Equal(t, result.Code(0x16), result.Timeout)
	require.Equal(t, result.Code(0x18), result.Forbidden)
	require.Equal(t, result.Code(0x1a), result.ResponseTooLarge)
	require.Equal(t, result.Code(0x1c), result.InsufficientFunds)
	require.Equal(t, result.Code(0x1f), result.ContentTypeNotSupported)
	require.Equal(t, result.Code(0x20), result.PayloadInvalid)
	require.Equal(t, result.Code(0x21), result.FilterError)
	require.Equal(t, result.Code(0x22), result.SecretDenied)
	require.Equal(t, result.Code(0x23), result.Expired)
	require.Equal(t, result.Code(0xff), result.Error)
}
