//go:build integration

package integration

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	// Registers the "pgx" database/sql driver.
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// TestClusterTourAndAccountPoolKill runs the chain and each service as its
// own process, runs the scripted tour against them, then SIGKILLs the
// AccountPool process while lottery requests stream in and starts it
// again: every request is fulfilled exactly once.
func TestClusterTourAndAccountPoolKill(t *testing.T) {
	const blockTime = 200 * time.Millisecond
	dir := t.TempDir()
	startProcess(t, dir, "chain", "chain", "--data-dir", dir, "--block-time", blockTime.String())
	info := waitInfo(t, dir)

	// With PostgreSQL available (scripts/test starts one), the services
	// store their state there, one schema per service, as in production.
	serveArgs := []string{"--data-dir", dir}
	if dsn := os.Getenv("SL_TEST_POSTGRES_DSN"); dsn != "" {
		prefix := postgresSchemaPrefix(t, dsn)
		serveArgs = append(serveArgs, "--postgres-dsn", dsn, "--postgres-schema-prefix", prefix)
	}

	procs := map[string]*exec.Cmd{}
	for _, svc := range devstack.AllServices {
		procs[svc] = startProcess(t, dir, "serve-"+svc, append([]string{"serve", svc}, serveArgs...)...)
		waitLogLine(t, filepath.Join(dir, "serve-"+svc+".log"), "services started")
	}

	var stdout bytes.Buffer
	tour := exec.Command(binary, "demo", "--data-dir", dir)
	tour.Stdout, tour.Stderr = &stdout, logFile(t, dir, "demo")
	require.NoError(t, tour.Run(), "cluster tour failed:\n%s", stdout.String())
	var rep demo.Report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	require.True(t, rep.OK)
	for _, s := range rep.Steps {
		require.True(t, s.OK, "step %s: %s", s.Name, s.Error)
	}

	client := connectWS(t, info.WSURL)
	user := devAccount(t, dir, info.UserAccount)
	act, err := actor.NewSimple(client, user)
	require.NoError(t, err)
	lottery := hashOf(t, info.Lottery)
	var sent []util.Uint256
	for i := range 20 {
		h, _, err := act.SendCall(lottery, "requestRandom", int64(1+i%3))
		require.NoError(t, err)
		sent = append(sent, h)
		if i == 9 {
			require.NoError(t, procs["accountpool"].Process.Kill())
			_ = procs["accountpool"].Wait()
			procs["accountpool"] = startProcess(t, dir, "serve-accountpool-2",
				append([]string{"serve", "accountpool"}, serveArgs...)...)
		}
	}
	waitIncluded(t, client, sent...)

	gateway := hashOf(t, info.Gateway)
	created := waitAllFulfilled(t, client, gateway)
	fulfilled := countEvents(t, client, gateway, binding.EventRequestFulfilled)
	for id := range created {
		require.Equal(t, 1, fulfilled[id], "request %d fulfilled %d times", id, fulfilled[id])
	}
}

// startProcess starts the servicelayer binary with args, its output in a
// log file in dir, and kills it when the test ends.
func startProcess(t *testing.T, dir, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, args...)
	out := logFile(t, dir, name)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func logFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name+".log"))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func waitInfo(t *testing.T, dir string) devstack.Info {
	t.Helper()
	waitFile(t, filepath.Join(dir, "dev.json"))
	info, err := devstack.ReadInfo(dir)
	require.NoError(t, err)
	return info
}

func waitLogLine(t *testing.T, path, text string) {
	t.Helper()
	require.Eventually(t, func() bool {
		raw, err := os.ReadFile(path)
		return err == nil && bytes.Contains(raw, []byte(text))
	}, 60*time.Second, 20*time.Millisecond, "%s never logged %q", path, text)
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(path)
		return err == nil
	}, 60*time.Second, 20*time.Millisecond, "%s never appeared", path)
}

// connectWS opens a WebSocket RPC client closed when the test ends.
func connectWS(t *testing.T, url string) *rpcclient.WSClient {
	t.Helper()
	client, err := rpcclient.NewWS(context.Background(), url, rpcclient.WSOptions{})
	require.NoError(t, err)
	require.NoError(t, client.Init())
	t.Cleanup(client.Close)
	return client
}

// postgresSchemaPrefix returns a schema prefix unique to this test and
// drops the schemas made with it when the test ends.
func postgresSchemaPrefix(t *testing.T, dsn string) string {
	t.Helper()
	prefix := fmt.Sprintf("cluster%d_", time.Now().UnixNano()%1_000_000_000)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		defer db.Close()
		for _, svc := range devstack.AllServices {
			_, err := db.Exec("DROP SCHEMA IF EXISTS " + prefix + svc + " CASCADE")
			require.NoError(t, err)
		}
	})
	return prefix
}
