//go:build integration

package integration

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// startStack runs a dev stack in this process with fast blocks and stops
// it when the test ends.
func startStack(t *testing.T, blockTime time.Duration) *devstack.Stack {
	t.Helper()
	stack, _ := startStackIn(t, t.TempDir(), blockTime, io.Discard)
	return stack
}

// startStackIn runs a dev stack on dataDir whose logs also go to logs,
// and returns it with its data directory.
func startStackIn(t *testing.T, dataDir string, blockTime time.Duration, logs io.Writer) (*devstack.Stack, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := logs
	if testing.Verbose() {
		out = io.MultiWriter(logs, testWriter{t})
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))

	stack, err := devstack.Start(ctx, devstack.Config{DataDir: dataDir, BlockTime: blockTime, Log: log})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- stack.Run(ctx) }()

	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, stack.Close())
	})

	readyCtx, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	require.NoError(t, stack.WaitReady(readyCtx))
	return stack, dataDir
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testWriter sends log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
