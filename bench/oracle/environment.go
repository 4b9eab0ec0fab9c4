package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
)

// nativeRequestTimeout is the native oracle's HTTP timeout, neo-go's
// default (OracleConfiguration.RequestTimeout, v0.122.0).
const nativeRequestTimeout = 5 * time.Second

// readyTimeout bounds the wait for the dev stack's services to be ready.
const readyTimeout = 2 * time.Minute

// environment is a running dev stack with the native oracle, the HTTPS
// server both oracles fetch from, and the bench's own chain client.
type environment struct {
	log       *slog.Logger
	dataDir   string
	blockTime time.Duration

	priceURL   string
	stopServer func() error

	stack   *devstack.Stack
	stopRun context.CancelFunc
	runDone chan error

	client *rpcclient.WSClient
	// user sends every request and pays the request fees.
	user *actor.Actor

	gateway util.Uint160
	// ourConsumer is the dev stack's example consumer of our oracle.
	ourConsumer util.Uint160
	// nativeConsumer is bench/oracle/contract.
	nativeConsumer util.Uint160
}

// newEnvironment starts everything a run needs. On error it releases what
// it started.
func newEnvironment(ctx context.Context, opts options, log *slog.Logger) (_ *environment, err error) {
	env := &environment{log: log, blockTime: opts.blockTime}
	defer func() {
		if err != nil {
			env.close()
		}
	}()

	if env.dataDir, err = os.MkdirTemp("", "oracle-bench-"); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	ca, err := demo.NewServerCA()
	if err != nil {
		return nil, err
	}
	env.priceURL, env.stopServer, err = demo.StartAPIServer(ca, log)
	if err != nil {
		return nil, err
	}
	if err := env.startStack(ctx, ca, opts.verbose); err != nil {
		return nil, err
	}
	if err := env.connect(ctx); err != nil {
		return nil, err
	}
	if err := env.deployNativeConsumer(ctx); err != nil {
		return nil, err
	}
	log.Info("environment ready", "data_dir", env.dataDir, "price_url", env.priceURL,
		"block_time", env.blockTime, "native_consumer", env.nativeConsumer.StringLE(),
		"our_consumer", env.ourConsumer.StringLE())
	return env, nil
}

// startStack starts the dev stack with the native oracle, both oracles
// trusting ca next to the system roots, and runs its services until close.
func (env *environment) startStack(ctx context.Context, ca *demo.ServerCA, verbose bool) error {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	stackLog := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	client, err := nativeOracleClient(ca, env.log)
	if err != nil {
		return err
	}
	env.stack, err = devstack.Start(ctx, devstack.Config{
		DataDir:            env.dataDir,
		BlockTime:          env.blockTime,
		Log:                stackLog,
		ServerCA:           ca,
		NativeOracle:       true,
		NativeOracleClient: client,
	})
	if err != nil {
		return fmt.Errorf("start dev stack: %w", err)
	}

	runCtx, stopRun := context.WithCancel(context.Background())
	env.stopRun = stopRun
	env.runDone = make(chan error, 1)
	go func() { env.runDone <- env.stack.Run(runCtx) }()
	return env.waitReady(ctx)
}

// waitReady waits until every service is ready, or returns why Run ended
// first.
func (env *environment) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- env.stack.WaitReady(ctx) }()

	select {
	case err := <-ready:
		return err
	case err := <-env.runDone:
		env.runDone <- err
		return fmt.Errorf("dev stack stopped while starting: %w", err)
	}
}

// nativeOracleClient returns an HTTP client set up like neo-go's default
// oracle client with AllowPrivateHost (v0.122.0): no keep-alive and a 5 s
// timeout. It trusts ca next to the system roots, as our dev oracle does.
// It keeps Go's default redirect policy, where neo-go allows 2 redirects,
// because the demo server never redirects.
func nativeOracleClient(ca *demo.ServerCA, log *slog.Logger) (*http.Client, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		log.Warn("system certificate pool unavailable, native oracle trusts the demo CA only", "error", err)
		roots = x509.NewCertPool()
	}
	roots.AddCert(ca.Certificate())
	transport := &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
	}
	return &http.Client{Transport: transport, Timeout: nativeRequestTimeout}, nil
}

// connect opens the bench's own WebSocket client and the user's actor,
// and reads the contract hashes from the stack.
func (env *environment) connect(ctx context.Context) error {
	info := env.stack.Info()
	client, err := rpcclient.NewWS(ctx, info.WSURL, rpcclient.WSOptions{})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", info.WSURL, err)
	}
	env.client = client
	if err := client.Init(); err != nil {
		return fmt.Errorf("init rpc client: %w", err)
	}

	acc, err := env.stack.Chain().Account(info.UserAccount)
	if err != nil {
		return err
	}
	if env.user, err = actor.NewSimple(client, acc); err != nil {
		return fmt.Errorf("create user actor: %w", err)
	}
	if env.gateway, err = binding.ParseHash160(info.Gateway); err != nil {
		return fmt.Errorf("parse gateway hash: %w", err)
	}
	if env.ourConsumer, err = binding.ParseHash160(info.OracleConsumer); err != nil {
		return fmt.Errorf("parse oracle consumer hash: %w", err)
	}
	return nil
}

// deployNativeConsumer compiles bench/oracle/contract and deploys it.
func (env *environment) deployNativeConsumer(ctx context.Context) error {
	nefFile, m, err := compileConsumer()
	if err != nil {
		return err
	}
	env.nativeConsumer, err = env.stack.Chain().Deploy(ctx, "oracle bench consumer", nefFile, m, nil)
	return err
}

// close stops everything newEnvironment started, in reverse order, and
// removes the data directory.
func (env *environment) close() {
	var errs []error
	if env.client != nil {
		env.client.Close()
	}
	if env.stopRun != nil {
		env.stopRun()
		errs = append(errs, <-env.runDone)
	}
	if env.stack != nil {
		errs = append(errs, env.stack.Close())
	}
	if env.stopServer != nil {
		errs = append(errs, env.stopServer())
	}
	if env.dataDir != "" {
		errs = append(errs, os.RemoveAll(env.dataDir))
	}
	if err := errors.Join(errs...); err != nil {
		env.log.Warn("close benchmark environment", "error", err)
	}
}
