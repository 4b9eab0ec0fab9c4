package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/neo-service-layer/servicelayer/internal/devstack"
	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

// newChainCommand runs the dev chain alone, for a cluster of processes.
func newChainCommand(root *rootOptions) *cobra.Command {
	var dataDir string
	var blockTime time.Duration
	cmd := &cobra.Command{
		Use:   "chain",
		Short: "Run the dev chain with the contracts deployed, for services started with serve",
		Long: `Chain starts the embedded Neo N3 chain, deploys the contracts, funds the dev
accounts and registers the service keys, exactly as dev does, but runs no
service. Start the services as separate processes with
"servicelayer serve SERVICE --data-dir DIR" on the same data directory; they
find the chain and each other through files in it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := root.logger()
			if err != nil {
				return err
			}
			stack, err := devstack.Start(cmd.Context(), devstack.Config{
				DataDir:   dataDir,
				BlockTime: blockTime,
				Services:  []string{},
				Log:       log,
			})
			if err != nil {
				return err
			}
			defer closeStack(stack, log)

			info := stack.Info()
			log.Info("dev chain ready", "rpc_url", info.RPCURL, "gateway", info.Gateway, "data_dir", dataDir)
			fmt.Fprintf(cmd.OutOrStdout(), "RPC:     %s\nGateway: %s\nData:    %s\n", info.RPCURL, info.Gateway, dataDir)
			return stack.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", devstack.DefaultDataDir, "directory for the chain, keys and databases")
	cmd.Flags().DurationVar(&blockTime, "block-time", time.Second, "block interval, 10ms to 30s")
	return cmd
}

// newServeCommand runs services as their own process against a chain
// started by chain or dev.
func newServeCommand(root *rootOptions) *cobra.Command {
	var dataDir, postgresDSN, schemaPrefix, metricsAddr string
	var rpcURL, wsURL, gateway, discovery, meshAddr string
	var marble bool
	cmd := &cobra.Command{
		Use:   "serve SERVICE...",
		Short: "Run services as their own process against the dev chain in the data directory",
		Long: fmt.Sprintf(`Serve runs the named services (%v) in this process, each with
its own database in the data directory and its own mesh listener, against
the chain that "servicelayer chain" runs on the same data directory. It
publishes its mesh addresses in the data directory, so services in other
processes find it, also after a restart on a new port.`, devstack.AllServices),
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := root.logger()
			if err != nil {
				return err
			}
			if postgresDSN == "" {
				postgresDSN = os.Getenv("SL_POSTGRES_DSN")
			}
			cfg := devstack.Config{
				DataDir:              dataDir,
				Services:             args,
				PostgresDSN:          postgresDSN,
				PostgresSchemaPrefix: schemaPrefix,
				Discovery:            discovery,
				MeshAddr:             meshAddr,
				Log:                  log,
			}
			if rpcURL != "" {
				if gateway == "" {
					return fmt.Errorf("--rpc-url needs --gateway, the hash of the deployed Gateway contract")
				}
				cfg.External = &devstack.ExternalChain{RPCURL: rpcURL, WSURL: wsURL, Gateway: gateway}
			}
			if marble {
				if len(args) != 1 {
					return fmt.Errorf("--marble runs one service per process, got %d", len(args))
				}
				m, err := enclave.Activate(cmd.Context(), enclave.Config{Service: args[0], Log: log})
				if err != nil {
					return fmt.Errorf("activate %s with the MarbleRun coordinator: %w", args[0], err)
				}
				cfg.Marble = m
			}
			stack, err := devstack.Attach(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer closeStack(stack, log)

			if metricsAddr != "" {
				if err := serveMetrics(cmd.Context(), metricsAddr, stack.MetricsHandler(), log); err != nil {
					return err
				}
			}
			log.Info("services started", "services", args, "data_dir", dataDir)
			return stack.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", devstack.DefaultDataDir, "data directory of the running dev chain")
	cmd.Flags().StringVar(&postgresDSN, "postgres-dsn", "",
		"store the services in PostgreSQL (one schema per service) instead of SQLite files; default $SL_POSTGRES_DSN")
	cmd.Flags().StringVar(&schemaPrefix, "postgres-schema-prefix", "", "prefix of the services' schema names")
	cmd.Flags().StringVar(&rpcURL, "rpc-url", "",
		"JSON-RPC URL of a Neo N3 node to serve instead of the dev chain of --data-dir (needs --gateway)")
	cmd.Flags().StringVar(&wsURL, "ws-url", "", "WebSocket URL of that node (default: --rpc-url with ws scheme and /ws)")
	cmd.Flags().StringVar(&gateway, "gateway", "", "hash of the Gateway contract on that network, 0x-prefixed")
	cmd.Flags().StringVar(&discovery, "discovery", "",
		"find other services by a host:port template with %s for the service name, e.g. %s.servicelayer.svc:8443 "+
			"(default: the files in --data-dir)")
	cmd.Flags().StringVar(&meshAddr, "mesh-addr", "", "address the service's mesh server listens on (default 127.0.0.1 and a free port)")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "address to serve Prometheus metrics on at /metrics, e.g. 127.0.0.1:9090 (default off)")
	cmd.Flags().BoolVar(&marble, "marble", false,
		"run as a MarbleRun marble: activate with the coordinator named by EDG_MARBLE_COORDINATOR_ADDR "+
			"(EDG_MARBLE_TYPE must be the service) and take the mesh identity and keys from it")
	return cmd
}

// newDemoCommand runs the scripted tour against a running cluster.
func newDemoCommand(root *rootOptions) *cobra.Command {
	var dataDir string
	var marble bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the scripted tour against a running dev chain and its services",
		Long: `Demo runs the same tour as "dev --demo" against the chain and services that
"servicelayer chain" and "servicelayer serve" run on the data directory,
prints the JSON report on stdout and exits with status 1 if any step failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := root.logger()
			if err != nil {
				return err
			}
			cfg := devstack.Config{DataDir: dataDir, Services: []string{}, Log: log}
			if marble {
				m, err := enclave.Activate(cmd.Context(), enclave.Config{Service: "demo", Log: log})
				if err != nil {
					return fmt.Errorf("activate the demo marble (set the manifest with --dev-tour): %w", err)
				}
				cfg.Marble = m
			}
			stack, err := devstack.Attach(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer closeStack(stack, log)

			rep, err := stack.Demo(cmd.Context())
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
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", devstack.DefaultDataDir, "data directory of the running dev chain")
	cmd.Flags().BoolVar(&marble, "marble", false,
		`run as the "demo" marble against services that run as marbles (EDG_MARBLE_TYPE=demo)`)
	return cmd
}

func closeStack(stack *devstack.Stack, log *slog.Logger) {
	if err := stack.Close(); err != nil {
		log.Error("close dev stack", "error", err)
	}
}
