package ecvrf

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// vector is one example of RFC 9381 Appendix B.1, decoded from hex.
type vector struct {
	name  string
	sk    []byte
	pk    []byte
	alpha []byte
	ctr   int
	h     []byte
	k     []byte
	u     []byte
	v     []byte
	pi    []byte
	beta  []byte
}

// loadVectors reads testdata/rfc9381_p256_sha256_tai.json.
func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	raw, err := os.ReadFile("testdata/rfc9381_p256_sha256_tai.json")
	require.NoError(tb, err)

	var file struct {
		Suite   string `json:"suite"`
		Vectors []struct {
			Name  string `json:"name"`
			SK    string `json:"sk"`
			PK    string `json:"pk"`
			Alpha string `json:"alpha"`
			Ctr   int    `json:"ctr"`
			H     string `json:"h"`
			K     string `json:"k"`
			U     string `json:"u"`
			V     string `json:"v"`
			Pi    string `json:"pi"`
			Beta  string `json:"beta"`
		} `json:"vectors"`
	}
	require.NoError(tb, json.Unmarshal(raw, &file))
	require.Equal(tb, "ECVRF-P256-SHA256-TAI", file.Suite)
	require.Len(tb, file.Vectors, 3, "RFC 9381 Appendix B.1 has three examples")

	vectors := make([]vector, 0, len(file.Vectors))
	for _, fv := range file.Vectors {
		vectors = append(vectors, vector{
			name:  fv.Name,
			sk:    mustHex(tb, fv.SK),
			pk:    mustHex(tb, fv.PK),
			alpha: mustHex(tb, fv.Alpha),
			ctr:   fv.Ctr,
			h:     mustHex(tb, fv.H),
			k:     mustHex(tb, fv.K),
			u:     mustHex(tb, fv.U),
			v:     mustHex(tb, fv.V),
			pi:    mustHex(tb, fv.Pi),
			beta:  mustHex(tb, fv.Beta),
		})
	}
	return vectors
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(tb, err, "decode hex %q", s)
	return b
}

func TestVectorsIntermediateValues(t *testing.T) {
	for _, tc := range loadVectors(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key, err := NewPrivateKey(tc.sk)
			require.NoError(t, err)
			require.Equal(t, tc.pk, key.Public().Bytes(), "public key")

			h, ctr, err := encodeToCurve(tc.pk, tc.alpha)
			require.NoError(t, err)
			require.Equal(t, tc.ctr, ctr, "try_and_increment counter")
			require.Equal(t, tc.h, h.encode(), "H")

			k := nonce(tc.sk, h.encode())
			require.Equal(t, tc.k, scalarBytes(k), "nonce k")
			require.Equal(t, tc.u, baseMul(scalarBytes(k)).encode(), "U = k*B")
			require.Equal(t, tc.v, h.mul(scalarBytes(k)).encode(), "V = k*H")

			gamma := h.mul(tc.sk).encode()
			require.Equal(t, tc.pi[:PublicKeySize], gamma, "Gamma = x*H")
		})
	}
}

func TestVectorsProve(t *testing.T) {
	for _, tc := range loadVectors(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key, err := NewPrivateKey(tc.sk)
			require.NoError(t, err)

			pi, err := key.Prove(tc.alpha)
			require.NoError(t, err)
			require.Equal(t, tc.pi, pi, "pi")

			beta, err := ProofToHash(pi)
			require.NoError(t, err)
			require.Equal(t, tc.beta, beta, "beta")
		})
	}
}

func TestVectorsVerify(t *testing.T) {
	for _, tc := range loadVectors(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pk, err := ParsePublicKey(tc.pk)
			require.NoError(t, err)

			beta, err := pk.Verify(tc.alpha, tc.pi)
			require.NoError(t, err)
			require.Equal(t, tc.beta, beta, "beta")
		})
	}
}
