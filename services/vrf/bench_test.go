package vrf

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/responder"
)

// BenchmarkAnswer measures one whole VRF answer: payload parsing, the
// ECVRF proof and the expansion into 3 words. Run with -cpu 1 for the
// per-core rate.
func BenchmarkAnswer(b *testing.B) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(b, err)
	a := NewAnswerer(1, util.Uint160{1}, key)
	req := responder.Request{ID: 1, Requester: util.Uint160{2}, Payload: []byte(`{"words":3}`), BlockHash: util.Uint256{3}}

	b.ReportAllocs()
	for b.Loop() {
		req.ID++
		if _, _, err := a.Answer(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

// BenchmarkVerifyResult measures checking one 3-word result off chain.
func BenchmarkVerifyResult(b *testing.B) {
	key, err := ecvrf.GenerateKey(rand.Reader)
	require.NoError(b, err)
	in := AlphaInput{Magic: 1, Gateway: util.Uint160{1}, RequestID: 1, Requester: util.Uint160{2}, BlockHash: util.Uint256{3}}
	res, err := Prove(key, in, 3)
	require.NoError(b, err)
	raw := res.Bytes()

	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyResult(in, raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
}
