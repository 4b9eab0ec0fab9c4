package result_test

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

var update = flag.Bool("update", false, "rewrite testdata/message_vectors.json from the cases in this file")

const vectorsFile = "testdata/message_vectors.json"

// vectorKeyHex is a private key used only to sign the golden vectors.
const vectorKeyHex = "2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe"

// vector is one entry of the golden file. Byte strings are hex, and gateway
// is the script hash in Neo's display order (little-endian, 0x-prefixed).
type vector struct {
	Name      string `json:"name"`
	Magic     uint32 `json:"magic"`
	Gateway   string `json:"gateway"`
	RequestID int64  `json:"request_id"`
	Service   string `json:"service"`
	Code      uint8  `json:"code"`
	Result    string `json:"result"`
	Message   string `json:"message"`
	PublicKey string `json:"public_key"`
	Signature string `json:"signature"`
}

type vectorInput struct {
	name      string
	magic     uint32
	gateway   string
	requestID int64
	service   string
	code      result.Code
	result    []byte
}

func vectorInputs() []vectorInput {
	vrfResult := make([]byte, 33+81+3*32)
	for i := range vrfResult {
		vrfResult[i] = byte(i)
	}
	return []vectorInput{
		{name: "first request", magic: 860833102, gateway: "0x5b2f8d3c1a0e4f6a7b9c8d7e6f5a4b3c2d1e0f11", requestID: 1, service: "vrf", code: result.Success, result: []byte{0x01}},
		{name: "id zero has empty encoding", magic: 894710606, gateway: "0x0000000000000000000000000000000000000001", requestID: 0, service: "vrf", code: result.Success, result: []byte("x")},
		{name: "id 127 fits one byte", magic: 42, gateway: "0xffffffffffffffffffffffffffffffffffffffff", requestID: 127, service: "oracle", code: result.Success, result: []byte(`["42.17"]`)},
		{name: "id 128 needs sign byte", magic: 42, gateway: "0x0102030405060708090a0b0c0d0e0f1011121314", requestID: 128, service: "oracle", code: result.NotFound, result: []byte("not found")},
		{name: "id 65536", magic: 42, gateway: "0x0102030405060708090a0b0c0d0e0f1011121314", requestID: 65536, service: "compute", code: result.Error, result: []byte("internal error")},
		{name: "large id", magic: 42, gateway: "0x0102030405060708090a0b0c0d0e0f1011121314", requestID: 1 << 40, service: "vrf", code: result.Success, result: vrfResult},
		{name: "magic zero", magic: 0, gateway: "0x0102030405060708090a0b0c0d0e0f1011121314", requestID: 7, service: "vrf", code: result.Timeout, result: []byte("timeout")},
		{name: "magic above int32", magic: 0xfffffffe, gateway: "0x0102030405060708090a0b0c0d0e0f1011121314", requestID: 7, service: "vrf", code: result.Success, result: []byte{0}},
		{name: "empty result expired", magic: 860833102, gateway: "0x5b2f8d3c1a0e4f6a7b9c8d7e6f5a4b3c2d1e0f11", requestID: 9, service: "vrf", code: result.Expired, result: nil},
		{name: "empty service", magic: 860833102, gateway: "0x5b2f8d3c1a0e4f6a7b9c8d7e6f5a4b3c2d1e0f11", requestID: 9, service: "", code: result.PayloadInvalid, result: []byte("bad")},
		{name: "non-ascii service", magic: 860833102, gateway: "0x5b2f8d3c1a0e4f6a7b9c8d7e6f5a4b3c2d1e0f11", requestID: 300, service: "zufällig", code: result.SecretDenied, result: []byte("denied")},
		{name: "result longer than 255 bytes", magic: 860833102, gateway: "0x5b2f8d3c1a0e4f6a7b9c8d7e6f5a4b3c2d1e0f11", requestID: 1000, service: "oracle", code: result.Success, result: []byte(strings.Repeat("a", 300))},
	}
}

func TestMessageVectors(t *testing.T) {
	key, err := keys.NewPrivateKeyFromHex(vectorKeyHex)
	require.NoError(t, err)

	if *update {
		writeVectors(t, key)
	}

	vectors := readVectors(t)
	require.Len(t, vectors, len(vectorInputs()), "vector count: run go test ./internal/result -update")
	for _, tc := range vectors {
		t.Run(tc.Name, func(t *testing.T) {
			gateway, err := util.Uint160DecodeStringLE(strings.TrimPrefix(tc.Gateway, "0x"))
			require.NoError(t, err)
			res, err := hex.DecodeString(tc.Result)
			require.NoError(t, err)

			msg := result.Message(tc.Magic, gateway, tc.RequestID, tc.Service, result.Code(tc.Code), res)
			require.Equal(t, tc.Message, hex.EncodeToString(msg), "message bytes")

			sig, err := hex.DecodeString(tc.Signature)
			require.NoError(t, err)
			require.Equal(t, tc.Signature, hex.EncodeToString(result.Sign(key, msg)), "signature")
			require.Equal(t, tc.PublicKey, hex.EncodeToString(key.PublicKey().Bytes()), "public key")
			require.True(t, result.Verify(key.PublicKey(), msg, sig), "signature verifies")
		})
	}
}

func writeVectors(t *testing.T, key *keys.PrivateKey) {
	t.Helper()

	var vectors []vector
	for _, in := range vectorInputs() {
		gateway, err := util.Uint160DecodeStringLE(strings.TrimPrefix(in.gateway, "0x"))
		require.NoError(t, err)

		msg := result.Message(in.magic, gateway, in.requestID, in.service, in.code, in.result)
		vectors = append(vectors, vector{
			Name:      in.name,
			Magic:     in.magic,
			Gateway:   in.gateway,
			RequestID: in.requestID,
			Service:   in.service,
			Code:      uint8(in.code),
			Result:    hex.EncodeToString(in.result),
			Message:   hex.EncodeToString(msg),
			PublicKey: hex.EncodeToString(key.PublicKey().Bytes()),
			Signature: hex.EncodeToString(result.Sign(key, msg)),
		})
	}

	data, err := json.MarshalIndent(vectors, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.FromSlash(vectorsFile), append(data, '\n'), 0o644))
}

func readVectors(t *testing.T) []vector {
	t.Helper()

	data, err := os.ReadFile(filepath.FromSlash(vectorsFile))
	require.NoError(t, err, "read golden vectors: run go test ./internal/result -update")

	var vectors []vector
	require.NoError(t, json.Unmarshal(data, &vectors))
	return vectors
}
