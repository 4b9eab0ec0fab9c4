package api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"
)

const secretText = "sk_live_redact_P5t"

func TestRedactedPrinting(t *testing.T) {
	resp := ResolveResponse{Value: []byte(secretText), Version: 4}
	put := PutRequest{Owner: util.Uint160{1}, Name: "api", Value: []byte(secretText)}
	value := Value{b: []byte(secretText)}

	tests := []struct {
		name string
		v    any
		want string
	}{
		{name: "value", v: value, want: redacted},
		{name: "resolve response", v: resp, want: "version:4"},
		{name: "resolve response pointer", v: &resp, want: "version:4"},
		{name: "put request", v: put, want: `name:"api"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logged, nil))
			log.Info("call", "body", tc.v)
			printed := fmt.Sprintf("%v %+v %#v %s %x %X %q %d", tc.v, tc.v, tc.v, tc.v, tc.v, tc.v, tc.v, tc.v)

			require.Contains(t, printed, tc.want)
			require.Contains(t, printed, redacted)
			require.Contains(t, logged.String(), redacted)
			for _, s := range encodings(secretText) {
				require.NotContains(t, printed, s)
				require.NotContains(t, logged.String(), s)
			}
		})
	}
}

func TestValueJSONRedacted(t *testing.T) {
	out, err := json.Marshal(struct{ V Value }{V: Value{b: []byte(secretText)}})
	require.NoError(t, err)
	require.JSONEq(t, `{"V":"[redacted]"}`, string(out))
}

func TestResolveResponseJSONCarriesValue(t *testing.T) {
	out, err := json.Marshal(ResolveResponse{Value: []byte(secretText), Version: 4})
	require.NoError(t, err)

	var back ResolveResponse
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, secretText, string(back.Value), "the wire encoding keeps the value")
	require.Equal(t, uint64(4), back.Version)
}

func encodings(s string) []string {
	return []string{
		s,
		hex.EncodeToString([]byte(s)),
		base64.StdEncoding.EncodeToString([]byte(s)),
	}
}
