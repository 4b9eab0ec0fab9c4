package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

type rootOptions struct {
	logLevel string
}

func newRootCommand() *cobra.Command {
	opts := &rootOptions{}
	cmd := &cobra.Command{
		Use:           "servicelayer",
		Short:         "Confidential oracle services for Neo N3 contracts",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.PersistentFlags().StringVar(&opts.logLevel, "log-level", "info", "log level: debug, info, warn or error")

	cmd.AddCommand(newDevCommand(opts), newVerifyCommand(opts), newChainCommand(opts), newServeCommand(opts),
		newDemoCommand(opts), newManifestCommand(opts), newSecretsCommand(opts))
	return cmd
}

// logger builds the process logger; logs go to stderr so stdout stays
// free for reports.
func (o *rootOptions) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(o.logLevel))); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", o.logLevel)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})), nil
}
