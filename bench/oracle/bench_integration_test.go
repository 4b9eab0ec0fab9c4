//go:build integration

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRunSmall runs the benchmark end to end with three requests per
// oracle at 50 ms blocks and checks the report.
func TestRunSmall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	opts := options{requests: 3, blockTime: 50 * time.Millisecond, timeout: 30 * time.Second}

	require.NoError(t, run(ctx, opts, &out, slog.New(slog.DiscardHandler)))

	var rep report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), "report %s", out.String())
	require.Equal(t, int64(50), rep.BlockTimeMS)
	for name, o := range map[string]oracleReport{"native": rep.Native, "ours": rep.Ours} {
		require.Equal(t, 3, o.Count, "%s count", name)
		require.Equal(t, 3, o.Answered, "%s answered", name)
		require.Zero(t, o.Failed, "%s failed", name)
		require.Empty(t, o.Problems, "%s problems", name)
		require.GreaterOrEqual(t, o.Blocks.Min, int64(1), "%s blocks min", name)
		require.Greater(t, o.MS.Min, int64(0), "%s ms min", name)
	}
	require.Equal(t, map[string]int{"[4.1]": 3}, rep.Native.Results)
	require.Equal(t, map[string]int{"[4.1000000000000000055511]": 3}, rep.Ours.Results)
}
