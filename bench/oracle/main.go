// Command oracle measures request-to-callback latency of neo-go's native
// oracle and of our oracle service side by side, in one run on one dev
// chain, against one HTTPS server on 127.0.0.1.
//
// It starts a dev stack (internal/devstack) in a temporary directory with
// neo-go's native oracle service enabled, and starts the demo HTTPS API.
// It compiles a small native-oracle consumer (bench/oracle/contract) with
// neo-go's compiler and deploys it, so it needs the Go toolchain at run
// time. Requests to our oracle go through the dev stack's example oracle
// consumer and the Gateway. Both oracles fetch the same URL with the same
// JSONPath filter.
//
// Right after each new block it sends one request to each oracle (the order
// alternates), until each has n requests. It watches every block for the
// requests and for the consumers' callback events, then prints one JSON
// object with the latency of each oracle in blocks (callback block minus
// request block) and in milliseconds (from sending the request to receiving
// the block that holds the callback). It exits 1 when a request is
// unanswered after the timeout, failed, or was recorded inconsistently.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"
)

// errIncomplete marks a run whose report was printed but in which a request
// was unanswered, failed or inconsistent.
var errIncomplete = errors.New("benchmark incomplete")

// options are the command-line settings of one run.
type options struct {
	requests  int
	blockTime time.Duration
	timeout   time.Duration
	verbose   bool
}

func main() {
	var opts options
	flag.IntVar(&opts.requests, "n", 100, "requests sent to each oracle")
	flag.DurationVar(&opts.blockTime, "block-time", time.Second, "block interval of the dev chain, 10ms to 30s")
	flag.DurationVar(&opts.timeout, "timeout", 0,
		"how long to wait for callbacks after the last request (default 60 block times, at least 30s)")
	flag.BoolVar(&opts.verbose, "v", false, "log the dev stack at info level instead of warn")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	err := run(ctx, opts, os.Stdout, log)
	if errors.Is(err, errIncomplete) {
		os.Exit(1)
	}
	if err != nil {
		log.Error("benchmark failed", "error", err)
		os.Exit(1)
	}
}

// run runs the benchmark and writes the report to out. It returns
// errIncomplete after writing a report that lists problems.
func run(ctx context.Context, opts options, out io.Writer, log *slog.Logger) error {
	if opts.requests < 1 {
		return fmt.Errorf("invalid -n %d: want at least 1", opts.requests)
	}
	if opts.timeout == 0 {
		opts.timeout = max(60*opts.blockTime, 30*time.Second)
	}

	env, err := newEnvironment(ctx, opts, log)
	if err != nil {
		return err
	}
	defer env.close()

	b := newBench(env, opts.requests)
	if err := b.run(ctx, opts.timeout); err != nil {
		return err
	}
	rep, err := b.report(ctx)
	if err != nil {
		return err
	}

	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if problems := rep.problems(); len(problems) > 0 {
		log.Error("benchmark incomplete", "problems", problems)
		return errIncomplete
	}
	return nil
}
