//go:build integration

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServeAgainstExternalNode points serve at a node by URL, as on
// testnet or mainnet, instead of the dev chain of its data directory.
func TestServeAgainstExternalNode(t *testing.T) {
	chainDir, serviceDir := t.TempDir(), t.TempDir()
	startProcess(t, chainDir, "chain", "chain", "--data-dir", chainDir, "--block-time", "200ms")
	info := waitInfo(t, chainDir)

	out, err := exec.Command(binary, "serve", "secrets", "--data-dir", serviceDir, "--rpc-url", info.RPCURL).CombinedOutput()
	require.Error(t, err, "serve ran without --gateway")
	require.Contains(t, string(out), "--rpc-url needs --gateway")

	startProcess(t, serviceDir, "serve-secrets", "serve", "secrets", "--data-dir", serviceDir,
		"--rpc-url", info.RPCURL, "--gateway", info.Gateway, "--mesh-addr", "127.0.0.1:0")
	waitLogLine(t, filepath.Join(serviceDir, "serve-secrets.log"), "services started")

	_, err = os.Stat(filepath.Join(serviceDir, "dev.json"))
	require.ErrorIs(t, err, os.ErrNotExist, "serve against a node must not need or write dev.json")
	_, err = os.Stat(filepath.Join(serviceDir, "demo"))
	require.ErrorIs(t, err, os.ErrNotExist, "no demo CA outside the dev chain")
}
