package gateway_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts/internal/gatewaytest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// vector is one entry of the golden file that internal/result writes.
type vector struct {
	Name      string `json:"name"`
	Magic     uint32 `json:"magic"`
	Gateway   string `json:"gateway"`
	RequestID int64  `json:"request_id"`
	Service   string `json:"service"`
	Code      uint8  `json:"code"`
	Result    string `json:"result"`
	Message   string `json:"message"`
}

func TestCanonicalMessageVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "result", "testdata", "message_vectors.json"))
	require.NoError(t, err)
	var vectors []vector
	require.NoError(t, json.Unmarshal(data, &vectors))
	require.NotEmpty(t, vectors)

	env := gatewaytest.New(t, 0)
	for _, tc := range vectors {
		t.Run(tc.Name, func(t *testing.T) {
			gateway, err := util.Uint160DecodeStringLE(strings.TrimPrefix(tc.Gateway, "0x"))
			require.NoError(t, err)
			res, err := hex.DecodeString(tc.Result)
			require.NoError(t, err)

			got := call(t, env.UserInvoker(), "canonicalMessage",
				int64(tc.Magic), gateway, tc.RequestID, tc.Service, int64(tc.Code), res)
			requireBytes(t, mustHex(t, tc.Message), got, "message")
		})
	}
}

func TestCanonicalMessageMatchesGo(t *testing.T) {
	env := gatewaytest.New(t, 0)
	res := vrfResult(3)

	got := call(t, env.UserInvoker(), "canonicalMessage", int64(env.Magic()), env.Gateway, 42, gatewaytest.Service, 0, res)
	requireBytes(t, result.Message(env.Magic(), env.Gateway, 42, gatewaytest.Service, result.Success, res), got, "message")
}

func TestCanonicalMessageRejects(t *testing.T) {
	env := gatewaytest.New(t, 0)

	tests := []struct {
		name string
		args []any
		want string
	}{
		{name: "short gateway hash", args: []any{1, []byte{1}, 1, "vrf", 0, []byte{}}, want: "invalid gateway hash"},
		{name: "code above 255", args: []any{1, env.Gateway, 1, "vrf", 256, []byte{}}, want: "invalid code"},
		{name: "negative network", args: []any{-1, env.Gateway, 1, "vrf", 0, []byte{}}, want: "value out of uint32 range"},
		{name: "network above uint32", args: []any{int64(1) << 32, env.Gateway, 1, "vrf", 0, []byte{}}, want: "value out of uint32 range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.UserInvoker().TestInvoke(t, "canonicalMessage", tc.args...)
			require.ErrorContains(t, err, "\""+tc.want+"\"")
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()

	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
