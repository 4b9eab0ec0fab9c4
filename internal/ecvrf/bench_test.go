package ecvrf

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// benchmarkKey returns the key of RFC 9381 example 10.
func benchmarkKey(b *testing.B) *PrivateKey {
	b.Helper()
	key, err := NewPrivateKey(loadVectors(b)[0].sk)
	require.NoError(b, err)
	return key
}

// BenchmarkProve and BenchmarkVerify report proofs/s beside ns/op. Run them
// on one core: go test -run x -bench . -cpu 1 ./internal/ecvrf
func BenchmarkProve(b *testing.B) {
	key := benchmarkKey(b)
	alpha := []byte("sample")

	b.ReportAllocs()
	for b.Loop() {
		if _, err := key.Prove(alpha); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
}

func BenchmarkVerify(b *testing.B) {
	key := benchmarkKey(b)
	alpha := []byte("sample")
	pi, err := key.Prove(alpha)
	require.NoError(b, err)
	pk := key.Public()

	b.ReportAllocs()
	for b.Loop() {
		if _, err := pk.Verify(alpha, pi); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
}
