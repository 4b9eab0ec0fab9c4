//go:build integration

package integration

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// TestDemoOracleSteps runs the tour in process with debug logs and checks
// each oracle step, the request the Gateway recorded for it, and that the
// API key stored as a secret appears in no log line and no result.
func TestDemoOracleSteps(t *testing.T) {
	logs := &syncBuffer{}
	stack := startStackLogging(t, 100*time.Millisecond, logs, slog.LevelDebug)

	rep, err := stack.Demo(context.Background())
	require.NoError(t, err)
	steps := map[string]demo.Step{}
	for _, s := range rep.Steps {
		steps[s.Name] = s
	}

	tests := []struct {
		name   string
		code   result.Code
		result string
	}{
		{name: "oracle.get_filter", code: result.Success, result: `[4.1000000000000000055511,4.12345678901234567890123]`},
		{name: "oracle.post_secret", code: result.Success, result: `[{"pair":"NEO/GAS","amount":"25","price":"4.12345678"}]`},
		{name: "oracle.filter_error", code: result.FilterError},
		{name: "oracle.forbidden", code: result.Forbidden, result: "forbidden address"},
		{name: "oracle.too_large", code: result.ResponseTooLarge, result: "response too large"},
	}
	gw := gatewayOf(t, stack)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := steps[tc.name]
			require.True(t, ok, "report has no step %s", tc.name)
			require.True(t, s.OK, "step failed: %s", s.Error)
			require.Equal(t, "oracle", s.Service)
			require.Equal(t, tc.code.String(), s.Code)
			require.NotEmpty(t, s.Tx)
			require.NotEmpty(t, s.FulfilTx)
			require.LessOrEqual(t, s.FulfilBlock-s.RequestBlock, uint32(2), "fulfil latency in blocks")

			id, err := strconv.ParseInt(s.RequestID, 10, 64)
			require.NoError(t, err)
			req, err := gw.Request(id)
			require.NoError(t, err)
			require.Equal(t, "oracle", req.Service)
			require.Equal(t, tc.code, req.Code)
			if tc.result != "" {
				require.Equal(t, tc.result, string(req.Result))
			}
		})
	}

	for _, s := range rep.Steps {
		require.True(t, s.OK, "step %s failed: %s", s.Name, s.Error)
	}
	report, err := json.Marshal(rep)
	require.NoError(t, err)
	requireNoAPIKey(t, "logs", logs.String())
	requireNoAPIKey(t, "report", string(report))
	require.Contains(t, logs.String(), "name=demo_api_key", "the Secrets service logs the put by name")
}

// startStackLogging runs a dev stack on a fresh data directory, like
// startStackIn, with every log line at level or above going to logs.
func startStackLogging(t *testing.T, blockTime time.Duration, logs io.Writer, level slog.Level) *devstack.Stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))

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

// requireNoAPIKey fails if a line of text contains the demo API key's
// prefix, raw, in hex or at the start of a base64 encoding. The rest of
// the key is random, so any trace of the value carries the prefix. The
// failure names the line, not its text.
func requireNoAPIKey(t *testing.T, where, text string) {
	t.Helper()
	prefix := demo.APIKeyPrefix
	// 15 bytes encode to 20 base64 characters with no padding, the same
	// at the start of any longer value.
	b64 := base64.StdEncoding.EncodeToString([]byte(prefix[:15]))
	forms := []string{prefix, hex.EncodeToString([]byte(prefix)), b64}
	for i, line := range strings.Split(text, "\n") {
		for _, form := range forms {
			require.False(t, strings.Contains(line, form), "%s line %d contains the secret API key (as %q)", where, i+1, form)
		}
	}
}

// gatewayOf returns a reader of the stack's Gateway contract.
func gatewayOf(t *testing.T, stack *devstack.Stack) *binding.Gateway {
	t.Helper()
	hash, err := binding.ParseHash160(stack.Info().Gateway)
	require.NoError(t, err)
	return binding.NewGateway(invoker.New(stack.Chain().Client(), nil), hash)
}
