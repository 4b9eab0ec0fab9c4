//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/demo"
)

// TestDemoDefaultBlockTime runs `servicelayer dev --demo` as a user would,
// at the default 1 s block time, and checks the report.
func TestDemoDefaultBlockTime(t *testing.T) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(binary, "dev", "--demo", "--data-dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("demo stderr:\n%s", tail(stderr.String(), 40))
	require.NoError(t, err, "demo exited non-zero; report:\n%s", stdout.String())

	var rep demo.Report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), "stdout is not one JSON report:\n%s", stdout.String())
	require.True(t, rep.OK)
	require.EqualValues(t, 1000, rep.BlockTimeMS)
	require.Positive(t, rep.StartupMS)

	steps := map[string]demo.Step{}
	for _, s := range rep.Steps {
		require.True(t, s.OK, "step %s failed: %s", s.Name, s.Error)
		steps[s.Name] = s
	}
	for _, name := range []string{"deploy.check", "vrf.lottery", "vrf.verify", "vrf.bad_request", "accountpool.lease_transfer_release"} {
		require.Contains(t, steps, name)
	}

	lottery := steps["vrf.lottery"]
	require.NotEmpty(t, lottery.RequestID)
	require.NotEmpty(t, lottery.Tx)
	require.NotEmpty(t, lottery.FulfilTx)
	blocks := lottery.FulfilBlock - lottery.RequestBlock
	require.GreaterOrEqual(t, blocks, uint32(1))
	require.LessOrEqual(t, blocks, uint32(2), "fulfilled %d blocks after the request", blocks)
	require.Equal(t, "payload invalid", steps["vrf.bad_request"].Code)
}

func tail(s string, lines int) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			lines--
			if lines < 0 {
				return string(b[i+1:])
			}
		}
	}
	return s
}
