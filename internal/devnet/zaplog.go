package devnet

import (
	"context"
	"log/slog"
	"maps"
	"slices"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// neoLogLevel is the lowest level of neo-go messages passed on. neo-go logs
// routine block and service events at info level, which would drown our
// own messages in a dev process.
const neoLogLevel = zapcore.WarnLevel

// newZapLogger returns a zap logger, which neo-go requires, that writes its
// entries to log with the zap logger name in field "neo_logger".
func newZapLogger(log *slog.Logger) *zap.Logger {
	return zap.New(&slogCore{log: log, level: neoLogLevel})
}

// slogCore is a zapcore.Core that forwards entries to an slog.Logger.
type slogCore struct {
	log    *slog.Logger
	level  zapcore.Level
	fields []zapcore.Field
}

var _ zapcore.Core = (*slogCore)(nil)

// Enabled reports whether entries at level l are forwarded.
func (c *slogCore) Enabled(l zapcore.Level) bool {
	return l >= c.level && c.log.Enabled(context.Background(), slogLevel(l))
}

// With returns a core that adds fields to every entry.
func (c *slogCore) With(fields []zapcore.Field) zapcore.Core {
	clone := *c
	clone.fields = slices.Concat(c.fields, fields)
	return &clone
}

// Check adds c to ce when the entry's level is enabled.
func (c *slogCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

// Write converts the entry and its fields to an slog record.
func (c *slogCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range slices.Concat(c.fields, fields) {
		f.AddTo(enc)
	}

	attrs := make([]slog.Attr, 0, len(enc.Fields)+1)
	if e.LoggerName != "" {
		attrs = append(attrs, slog.String("neo_logger", e.LoggerName))
	}
	for _, k := range slices.Sorted(maps.Keys(enc.Fields)) {
		attrs = append(attrs, slog.Any(k, enc.Fields[k]))
	}

	c.log.LogAttrs(context.Background(), slogLevel(e.Level), e.Message, attrs...)
	return nil
}

// Sync does nothing because slog has no flush call.
func (c *slogCore) Sync() error {
	return nil
}

func slogLevel(l zapcore.Level) slog.Level {
	switch {
	case l <= zapcore.DebugLevel:
		return slog.LevelDebug
	case l == zapcore.InfoLevel:
		return slog.LevelInfo
	case l == zapcore.WarnLevel:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}
