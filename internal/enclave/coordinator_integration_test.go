//go:build integration

package enclave_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

// coordinator is a coordinator process on loopback.
type coordinator struct {
	bin        string
	dir        string
	meshAddr   string
	clientAddr string
	api        *enclave.Coordinator
	cmd        *exec.Cmd
	log        *os.File
}

// buildCoordinator builds the coordinator with scripts/coordinator, or
// skips the test when that is impossible here.
func buildCoordinator(t *testing.T) string {
	t.Helper()
	start := time.Now()
	out, err := exec.Command("../../scripts/coordinator").Output()
	if err != nil {
		var stderr []byte
		if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
			stderr = exitErr.Stderr
		}
		t.Skipf("cannot build the MarbleRun coordinator (needs go, a C compiler and the module proxy): %v\n%s", err, stderr)
	}
	t.Logf("timing: scripts/coordinator %s", time.Since(start).Round(time.Millisecond))

	return strings.TrimSpace(string(out))
}

// startCoordinator runs the coordinator on free loopback ports with a
// temporary seal directory and waits until it accepts a manifest.
func startCoordinator(t *testing.T, bin string) *coordinator {
	t.Helper()
	c := &coordinator{bin: bin, dir: t.TempDir(), meshAddr: closedAddr(t), clientAddr: closedAddr(t)}
	logFile, err := os.Create(filepath.Join(c.dir, "coordinator.log"))
	require.NoError(t, err)
	c.log = logFile
	t.Cleanup(func() {
		c.stop()
		_ = logFile.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logFile.Name())
			t.Logf("coordinator log:\n%s", log)
		}
	})
	c.start(t, enclave.StateAcceptingManifest)

	return c
}

// start starts the process and waits until the client API reports
// state.
func (c *coordinator) start(t *testing.T, state int) {
	t.Helper()
	cmd := exec.Command(c.bin)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"EDG_COORDINATOR_MESH_ADDR=" + c.meshAddr,
		"EDG_COORDINATOR_CLIENT_ADDR=" + c.clientAddr,
		"EDG_COORDINATOR_SEAL_DIR=" + filepath.Join(c.dir, "seal"),
		"EDG_COORDINATOR_DNS_NAMES=localhost",
	}
	cmd.Stdout, cmd.Stderr = c.log, c.log
	start := time.Now()
	require.NoError(t, cmd.Start())
	c.cmd = cmd

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for {
		api, err := enclave.NewCoordinator(ctx, c.clientAddr, nil)
		if err == nil {
			status, err := api.Status(ctx)
			require.NoError(t, err)
			require.Equal(t, state, status.Code, status.Message)
			t.Logf("timing: coordinator ready after %s", time.Since(start).Round(time.Millisecond))
			c.api = api
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("coordinator did not respond on %s: %v", c.clientAddr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop kills the process this test started and waits for it.
func (c *coordinator) stop() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
	c.cmd = nil
}
