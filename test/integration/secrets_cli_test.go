//go:build integration

package integration

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSecretsCommand drives the owner commands against a running dev
// process as a user would, and checks the value never comes back.
func TestSecretsCommand(t *testing.T) {
	dir := t.TempDir()
	p := startDev(t, dir, 200*time.Millisecond)
	const value = "sk-cli-test-4f1d9a"

	run := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(binary, append([]string{"secrets", "--data-dir", dir}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run(value+"\n", "put", "api_key")
	require.NoError(t, err, out)
	require.Contains(t, out, "stored api_key version 1")

	out, err = run(value, "put", "api_key")
	require.NoError(t, err, out)
	require.Contains(t, out, "version 2")

	out, err = run("", "grant", "api_key", "--service", "oracle")
	require.NoError(t, err, out)
	out, err = run("", "grant", "api_key", "--contract", p.info.OracleConsumer)
	require.NoError(t, err, out)

	out, err = run("", "show", "api_key")
	require.NoError(t, err, out)
	require.Contains(t, out, `"oracle"`)
	require.NotContains(t, out, value)

	out, err = run("", "list")
	require.NoError(t, err, out)
	require.Contains(t, out, "api_key")
	require.NotContains(t, out, value)

	out, err = run("", "put", "api_key")
	require.Error(t, err, "an empty value was stored")
	require.Contains(t, out, "empty value")

	out, err = run("", "grant", "api_key")
	require.Error(t, err)
	require.Contains(t, out, "missing --service or --contract")

	out, err = run("", "delete", "api_key", "--version", "1")
	require.NoError(t, err, out)
	out, err = run("", "delete", "api_key")
	require.Error(t, err)
	require.Contains(t, out, "exactly one of --version N and --all")

	out, err = run("", "show", "no_such_secret")
	require.Error(t, err)
	require.Contains(t, out, "secret_not_found")
}
