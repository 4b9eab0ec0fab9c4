//go:build integration

package integration

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// startStack runs a dev stack in this process with fast blocks and stops
// it when the test ends.
func startStack(t *testing.T, blockTime time.Duration) *devstack.Stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}

	stack, err := devstack.Start(ctx, devstack.Config{DataDir: t.TempDir(), BlockTime: blockTime, Log: log})
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
	return stack
}

// testWriter sends log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
