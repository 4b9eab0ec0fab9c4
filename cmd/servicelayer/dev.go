package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

type devOptions struct {
	dataDir     string
	metricsAddr string
	blockTime   time.Duration
	demo        bool
}

func newDevCommand(root *rootOptions) *cobra.Command {
	opts := &devOptions{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run a private Neo N3 chain with the contracts and every service in one process",
		Long: `Dev starts an embedded single-validator Neo N3 chain, deploys the Gateway and
example contracts, registers the service keys and runs every service, each
with its own SQLite database in the data directory. It prints the RPC URL and
the contract hashes, then runs until interrupted. Starting again on the same
data directory continues the same chain and resumes unfinished requests.

With --demo it runs a scripted tour through the example contracts, prints a
JSON report on stdout and exits with status 0 only if every step passed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := root.logger()
			if err != nil {
				return err
			}
			return runDev(cmd, opts, log)
		},
	}
	cmd.Flags().StringVar(&opts.dataDir, "data-dir", devstack.DefaultDataDir, "directory for the chain, keys and databases")
	cmd.Flags().DurationVar(&opts.blockTime, "block-time", time.Second, "block interval, 10ms to 30s")
	cmd.Flags().BoolVar(&opts.demo, "demo", false, "run the scripted tour, print a JSON report and exit")
	cmd.Flags().StringVar(&opts.metricsAddr, "metrics-addr", "",
		"address to serve Prometheus metrics on at /metrics, e.g. 127.0.0.1:9090 (default off)")
	return cmd
}

func runDev(cmd *cobra.Command, opts *devOptions, log *slog.Logger) error {
	ctx := cmd.Context()
	stack, err := devstack.Start(ctx, devstack.Config{DataDir: opts.dataDir, BlockTime: opts.blockTime, Log: log})
	if err != nil {
		return err
	}
	defer func() {
		if err := stack.Close(); err != nil {
			log.Error("close dev stack", "error", err)
		}
	}()

	if opts.metricsAddr != "" {
		if err := serveMetrics(ctx, opts.metricsAddr, stack.MetricsHandler(), log); err != nil {
			return err
		}
	}
	run := startRun(ctx, stack)
	// Deferred after Close, so it runs first: services stop before their
	// databases and the chain close.
	defer run.stop()
	if err := run.waitReady(); err != nil {
		return err
	}

	info := stack.Info()
	log.Info("dev stack ready", "rpc_url", info.RPCURL, "gateway", info.Gateway, "lottery", info.Lottery,
		"data_dir", opts.dataDir, "took", stack.StartupTime().Round(time.Millisecond))

	if !opts.demo {
		fmt.Fprintf(cmd.OutOrStdout(), "RPC:             %s\nGateway:         %s\nLottery:         %s\n"+
			"Oracle consumer: %s\nData:            %s\n",
			info.RPCURL, info.Gateway, info.Lottery, info.OracleConsumer, opts.dataDir)
		err := run.wait()
		log.Info("dev stack stopping")
		return err
	}

	rep, err := stack.Demo(run.ctx)
	if runErr := run.stop(); runErr != nil {
		log.Error("dev stack stopped with error", "error", runErr)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if !rep.OK {
		return exitError{code: 1}
	}
	return nil
}

// stackRun is a dev stack running its services in the background.
type stackRun struct {
	stack  *devstack.Stack
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done closes
}

func startRun(ctx context.Context, stack *devstack.Stack) *stackRun {
	r := &stackRun{stack: stack, done: make(chan struct{})}
	r.ctx, r.cancel = context.WithCancel(ctx)
	go func() {
		r.err = stack.Run(r.ctx)
		close(r.done)
	}()
	return r
}

// waitReady waits until every service is ready, or returns why Run ended
// first.
func (r *stackRun) waitReady() error {
	readyCtx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- r.stack.WaitReady(readyCtx) }()

	select {
	case err := <-ready:
		return err
	case <-r.done:
		if r.err != nil {
			return fmt.Errorf("dev stack stopped while starting: %w", r.err)
		}
		return fmt.Errorf("dev stack stopped while starting: %w", r.ctx.Err())
	}
}

// wait blocks until Run ends and returns its error.
func (r *stackRun) wait() error {
	<-r.done
	return r.err
}

// stop ends Run and waits for it. It may be called more than once.
func (r *stackRun) stop() error {
	r.cancel()
	return r.wait()
}
