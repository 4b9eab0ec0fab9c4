//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// TestMarblesUnderCoordinator runs every service as a MarbleRun marble
// under a real coordinator in simulation mode. Their mesh identities and
// keys come from the coordinator, and the service keys are registered with
// their attestation evidence hashes; with PostgreSQL available the
// services store their state there. A lottery request must be fulfilled
// and verify, requests must still be fulfilled after the coordinator
// restarts, a restarted marble must get the same keys, the whole scripted
// tour must pass as the "demo" marble, and a marble of the wrong type must
// not start.
func TestMarblesUnderCoordinator(t *testing.T) {
	coordinator := buildCoordinatorBinary(t)
	dir := t.TempDir()
	meshAddr, clientAddr := freeAddr(t), freeAddr(t)

	coordEnv := []string{
		"PATH=" + os.Getenv("PATH"),
		"EDG_COORDINATOR_MESH_ADDR=" + meshAddr,
		"EDG_COORDINATOR_CLIENT_ADDR=" + clientAddr,
		"EDG_COORDINATOR_SEAL_DIR=" + filepath.Join(dir, "seal"),
		"EDG_COORDINATOR_DNS_NAMES=localhost",
	}
	coord := exec.Command(coordinator)
	coord.Env = coordEnv
	coordLog := logFile(t, dir, "coordinator")
	coord.Stdout, coord.Stderr = coordLog, coordLog
	require.NoError(t, coord.Start())
	t.Cleanup(func() { _ = coord.Process.Kill(); _ = coord.Wait() })

	require.Eventually(t, func() bool {
		return exec.Command(binary, "manifest", "--dev-tour", "-o", filepath.Join(dir, "manifest.json"),
			"--coordinator", clientAddr).Run() == nil
	}, 30*time.Second, 200*time.Millisecond, "manifest never set on the coordinator")

	startProcess(t, dir, "chain", "chain", "--data-dir", dir, "--block-time", "200ms")
	info := waitInfo(t, dir)

	marbleCmd := func(name, marbleType string, args ...string) *exec.Cmd {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(),
			"EDG_MARBLE_COORDINATOR_ADDR="+meshAddr,
			"EDG_MARBLE_TYPE="+marbleType,
			"EDG_MARBLE_UUID_FILE="+filepath.Join(dir, name+".uuid"),
			"EDG_MARBLE_DNS_NAMES=localhost",
		)
		out := logFile(t, dir, name)
		cmd.Stdout, cmd.Stderr = out, out
		return cmd
	}
	serveArgs := []string{"--marble", "--data-dir", dir}
	if dsn := os.Getenv("SL_TEST_POSTGRES_DSN"); dsn != "" {
		serveArgs = append(serveArgs, "--postgres-dsn", dsn, "--postgres-schema-prefix", postgresSchemaPrefix(t, dsn))
	}
	marble := func(name, marbleType, service string) *exec.Cmd {
		return marbleCmd(name, marbleType, append([]string{"serve", service}, serveArgs...)...)
	}

	wrong := marble("wrong-type", "vrf", "accountpool")
	require.Error(t, wrong.Run(), "a marble of type vrf served accountpool")
	wrongLog, err := os.ReadFile(filepath.Join(dir, "wrong-type.log"))
	require.NoError(t, err)
	require.Contains(t, string(wrongLog), "activate accountpool")

	for _, svc := range devstack.AllServices {
		cmd := marble("marble-"+svc, svc, svc)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		waitLogLine(t, filepath.Join(dir, "marble-"+svc+".log"), "services started")
	}
	vrfLog, err := os.ReadFile(filepath.Join(dir, "marble-vrf.log"))
	require.NoError(t, err)
	require.Contains(t, string(vrfLog), "marble service key registered")

	client := connectWS(t, info.WSURL)
	gateway := hashOf(t, info.Gateway)
	id := lotteryAsUser(t, client, dir, info)
	gw := binding.NewGateway(invoker.New(client, nil), gateway)
	require.Eventually(t, func() bool {
		status, err := gw.Status(id)
		return err == nil && status == binding.StatusFulfilled
	}, 30*time.Second, 50*time.Millisecond, "request %d not fulfilled by the marbles", id)

	out, err := exec.Command(binary, "verify", "--data-dir", dir, strconv.FormatInt(id, 10)).CombinedOutput()
	require.NoError(t, err, "verify:\n%s", out)
	require.Contains(t, string(out), "verified")

	// A coordinator restart leaves the running marbles serving, and a
	// restarted marble activates again with the same secrets, so its key
	// is already registered.
	require.NoError(t, coord.Process.Kill())
	_ = coord.Wait()
	coord = exec.Command(coordinator)
	coord.Env = coordEnv
	coord.Stdout, coord.Stderr = coordLog, coordLog
	require.NoError(t, coord.Start())
	second := lotteryAsUser(t, client, dir, info)
	require.Eventually(t, func() bool {
		status, err := gw.Status(second)
		return err == nil && status == binding.StatusFulfilled
	}, 30*time.Second, 50*time.Millisecond, "request %d not fulfilled after the coordinator restarted", second)

	restarted := marble("marble-vrf-2", "vrf", "vrf")
	require.NoError(t, restarted.Start())
	t.Cleanup(func() { _ = restarted.Process.Kill(); _ = restarted.Wait() })
	waitLogLine(t, filepath.Join(dir, "marble-vrf-2.log"), "services started")
	again, err := os.ReadFile(filepath.Join(dir, "marble-vrf-2.log"))
	require.NoError(t, err)
	require.NotContains(t, string(again), "marble service key registered", "a re-activated marble got other keys")

	// The whole tour, as the "demo" marble, against the services as marbles.
	tour := marbleCmd("demo", "demo", "demo", "--marble", "--data-dir", dir)
	var report bytes.Buffer
	tour.Stdout = &report
	require.NoError(t, tour.Run(), "tour under the coordinator failed:\n%s", report.String())
	var rep demo.Report
	require.NoError(t, json.Unmarshal(report.Bytes(), &rep))
	for _, s := range rep.Steps {
		require.True(t, s.OK, "step %s: %s", s.Name, s.Error)
	}
	require.True(t, rep.OK)
}

// buildCoordinatorBinary builds (or takes from its cache) the MarbleRun
// coordinator with scripts/coordinator, and skips the test when it cannot.
func buildCoordinatorBinary(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("../../scripts/coordinator").Output()
	if err != nil {
		t.Skipf("MarbleRun coordinator could not be built: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// lotteryAsUser sends lottery.requestRandom(2) as the dev user of the
// cluster in dir and returns the request id.
func lotteryAsUser(t *testing.T, client *rpcclient.WSClient, dir string, info devstack.Info) int64 {
	t.Helper()
	act, err := actor.NewSimple(client, devAccount(t, dir, info.UserAccount))
	require.NoError(t, err)
	h, vub, err := act.SendCall(hashOf(t, info.Lottery), "requestRandom", 2)
	aer, err := act.Wait(context.Background(), h, vub, err)
	require.NoError(t, err)
	return requestIDFrom(t, aer.Events)
}
