package devnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

// logLines returns the JSON records written to buf, one map per line.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range bytes.Lines(buf.Bytes()) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(line, &m))
		lines = append(lines, m)
	}
	return lines
}

func TestZapLoggerForwardsWarnings(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	zl := newZapLogger(log.With("component", "devnet")).Named("rpc").With(zap.Int("port", 30333))

	zl.Info("block added", zap.Uint32("height", 7))
	zl.Warn("peer lost", zap.Error(errors.New("timeout")))
	zl.Error("persist failed", zap.String("db", "bolt"))

	lines := logLines(t, &buf)
	require.Len(t, lines, 2, "info entries are dropped")

	require.Equal(t, "WARN", lines[0]["level"])
	require.Equal(t, "peer lost", lines[0]["msg"])
	require.Equal(t, "devnet", lines[0]["component"])
	require.Equal(t, "rpc", lines[0]["neo_logger"])
	require.Equal(t, float64(30333), lines[0]["port"])
	require.Equal(t, "timeout", lines[0]["error"])

	require.Equal(t, "ERROR", lines[1]["level"])
	require.Equal(t, "bolt", lines[1]["db"])
}

func TestZapLoggerFollowsHandlerLevel(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))
	zl := newZapLogger(log)

	zl.Warn("peer lost")
	zl.Error("persist failed")

	lines := logLines(t, &buf)
	require.Len(t, lines, 1)
	require.Equal(t, "persist failed", lines[0]["msg"])
}
