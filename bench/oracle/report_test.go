package main

import (
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/stretchr/testify/require"
)

func TestDistributionOf(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
		want   distribution
	}{
		{name: "empty", values: nil, want: distribution{}},
		{name: "one value", values: []int64{7}, want: distribution{Min: 7, P50: 7, P90: 7, Max: 7}},
		{name: "unsorted ten", values: []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, want: distribution{Min: 1, P50: 5, P90: 9, Max: 10}},
		{name: "outlier above p90", values: []int64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6}, want: distribution{Min: 2, P50: 2, P90: 2, Max: 6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, distributionOf(tc.values))
		})
	}
}

func TestSummariseCountsAndLatency(t *testing.T) {
	sent := time.Unix(1000, 0)
	answered := func(seq int, requestBlock, callbackBlock uint32, took time.Duration, code int64) *sample {
		s := &sample{seq: seq, sent: sent, requested: true, requestBlock: requestBlock, fee: 60_000_000}
		s.answer(stampedBlock{block: &block.Block{Header: block.Header{Index: callbackBlock}}, received: sent.Add(took)}, code)
		s.result = "[4.1]"
		return s
	}
	samples := []*sample{
		answered(1, 10, 11, 200*time.Millisecond, 0),
		answered(2, 11, 13, 300*time.Millisecond, 0),
		answered(3, 12, 13, 150*time.Millisecond, 0x14),
		{seq: 4, sent: sent, fee: 60_000_000},
	}

	r := summarise(samples)
	require.Equal(t, 4, r.Count)
	require.Equal(t, 3, r.Answered)
	require.Equal(t, 1, r.Unanswered)
	require.Equal(t, 1, r.Failed, "callbacks with an error code")
	require.Equal(t, map[string]int{"[4.1]": 3}, r.Results)
	require.Equal(t, distribution{Min: 1, P50: 1, P90: 2, Max: 2}, r.Blocks)
	require.Equal(t, map[string]int{"1": 2, "2": 1}, r.BlocksHistogram)
	require.Equal(t, distribution{Min: 150, P50: 200, P90: 300, Max: 300}, r.MS)
	require.InDelta(t, 0.6, r.RequestFeeGAS, 1e-9)
}

func TestReportProblems(t *testing.T) {
	r := report{
		Native: oracleReport{Count: 3, Unanswered: 1, Problems: []string{"request 2: consumer recorded block 5, callback ran in block 6"}},
		Ours:   oracleReport{Count: 3, Failed: 2},
	}
	require.Equal(t, []string{
		"native: 1 of 3 requests unanswered",
		"native: request 2: consumer recorded block 5, callback ran in block 6",
		"ours: 2 callbacks with an error code",
	}, r.problems())
	require.Empty(t, (&report{}).problems(), "problems of a clean report")
}
