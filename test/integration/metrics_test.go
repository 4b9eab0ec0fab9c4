//go:build integration

package integration

import (
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDevServesMetrics starts dev with --metrics-addr and scrapes the
// mesh series a Prometheus server would.
func TestDevServesMetrics(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command(binary, "dev", "--data-dir", dir, "--block-time", "200ms", "--metrics-addr", addr)
	out := logFile(t, dir, "dev")
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	var body string
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		body = string(raw)
		return err == nil && strings.Contains(body, "mesh_client_attempts_total")
	}, 60*time.Second, 100*time.Millisecond, "no mesh metrics at /metrics:\n%s", body)
	require.Contains(t, body, `mesh_client_breaker_state{service="vrf",upstream="accountpool"}`)
	require.Contains(t, body, "mesh_server_requests_total")
	require.Contains(t, body, "go_goroutines")
}
