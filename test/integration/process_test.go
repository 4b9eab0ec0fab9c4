//go:build integration

package integration

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// devProcess is `servicelayer dev` running as a child process.
type devProcess struct {
	cmd  *exec.Cmd
	info devstack.Info
	done chan error
}

// startDev starts `servicelayer dev` on dataDir and waits until it has
// written a fresh dev.json. Its log goes to dataDir/dev-N.log.
func startDev(t *testing.T, dataDir string, blockTime time.Duration) *devProcess {
	t.Helper()
	info := filepath.Join(dataDir, "dev.json")
	require.NoError(t, removeIfExists(info))

	logFile, err := os.Create(filepath.Join(dataDir, "dev-"+time.Now().Format("150405.000")+".log"))
	require.NoError(t, err)
	t.Cleanup(func() { logFile.Close() })

	cmd := exec.Command(binary, "dev", "--data-dir", dataDir, "--block-time", blockTime.String())
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	p := &devProcess{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.kill() })

	deadline := time.Now().Add(60 * time.Second)
	for {
		p.info, err = devstack.ReadInfo(dataDir)
		if err == nil {
			return p
		}
		select {
		case err := <-p.done:
			p.done <- err
			out, _ := os.ReadFile(logFile.Name())
			t.Fatalf("dev exited before it was ready: %v\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "dev not ready after 60s")
	}
}

// kill sends SIGKILL and waits for the process to end; it is a no-op on
// an ended process.
func (p *devProcess) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	p.done <- nil
}

func removeIfExists(path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// connect opens an RPC client to the process's chain.
func (p *devProcess) connect(t *testing.T) *rpcclient.Client {
	t.Helper()
	client, err := rpcclient.New(context.Background(), p.info.RPCURL, rpcclient.Options{})
	require.NoError(t, err)
	require.NoError(t, client.Init())
	t.Cleanup(client.Close)
	return client
}

// devAccount loads a named dev account from the data directory's wallet.
func devAccount(t *testing.T, dataDir, name string) *wallet.Account {
	t.Helper()
	w, err := wallet.NewWalletFromFile(filepath.Join(dataDir, "chain", "accounts.json"))
	require.NoError(t, err)
	// The wallet is not closed: Close wipes the keys the returned account
	// shares.
	for _, acc := range w.Accounts {
		if acc.Label != name {
			continue
		}
		require.NoError(t, acc.Decrypt(devnet.DevPassword, w.Scrypt))
		return acc
	}
	t.Fatalf("no dev account %q in %s", name, dataDir)
	return nil
}
