//go:build integration

package integration

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/demo"
)

// lotteryRequestID returns the request id of the demo's lottery step.
func lotteryRequestID(t *testing.T, rep *demo.Report) int64 {
	t.Helper()
	for _, s := range rep.Steps {
		if s.Name != "vrf.lottery" {
			continue
		}
		require.True(t, s.OK, "lottery step failed: %s", s.Error)
		id, err := strconv.ParseInt(s.RequestID, 10, 64)
		require.NoError(t, err)
		return id
	}
	t.Fatal("demo report has no vrf.lottery step")
	return 0
}
