package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/spf13/cobra"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
	"github.com/neo-service-layer/servicelayer/internal/verify"
)

type verifyOptions struct {
	rpc     string
	gateway string
	dataDir string
	json    bool
}

func newVerifyCommand(_ *rootOptions) *cobra.Command {
	opts := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify REQUEST_ID",
		Short: "Check a fulfilled request's service signature and VRF proof from chain data",
		Long: `Verify fetches a Gateway request and its fulfilment from a Neo N3 RPC node
and checks the service signature against the service key that was in force
on the Gateway at the fulfilment's block. For VRF results it also checks
that the result's VRF public key is the one the Gateway published for the
service at that block, the ECVRF proof, and the words derived from the
proof's output. It prints each check and exits with status 1 if any fails.

Without --rpc and --gateway it reads both from the dev stack's data directory.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd, opts, args[0])
		},
	}
	cmd.Flags().StringVar(&opts.rpc, "rpc", "", "RPC URL of a Neo N3 node (default: the dev stack's)")
	cmd.Flags().StringVar(&opts.gateway, "gateway", "", "Gateway contract hash, 0x-prefixed or LE hex (default: the dev stack's)")
	cmd.Flags().StringVar(&opts.dataDir, "data-dir", devstack.DefaultDataDir, "dev stack data directory to read defaults from")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the report as JSON")
	return cmd
}

func runVerify(cmd *cobra.Command, opts *verifyOptions, idArg string) error {
	id, err := strconv.ParseInt(idArg, 10, 64)
	if err != nil || id < 1 {
		return fmt.Errorf("invalid request id %q: want a positive integer", idArg)
	}
	if err := opts.fillDefaults(); err != nil {
		return err
	}
	gatewayHash, err := binding.ParseHash160(opts.gateway)
	if err != nil {
		return fmt.Errorf("invalid --gateway: %w", err)
	}

	ctx := cmd.Context()
	client, err := rpcclient.New(ctx, opts.rpc, rpcclient.Options{})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", opts.rpc, err)
	}
	defer client.Close()
	if err := client.Init(); err != nil {
		return fmt.Errorf("connect to %s: %w", opts.rpc, err)
	}
	magic := uint32(client.Network())
	gw := binding.NewGateway(invoker.New(client, nil), gatewayHash)

	rep, verr := verify.Request(gw, client, magic, id)
	if rep == nil {
		return verr
	}
	printReport(cmd, rep, opts.json)
	if verr != nil {
		return exitError{code: 1}
	}
	return nil
}

func (o *verifyOptions) fillDefaults() error {
	if o.rpc != "" && o.gateway != "" {
		return nil
	}
	info, err := devstack.ReadInfo(o.dataDir)
	if err != nil {
		return fmt.Errorf("--rpc and --gateway not given and no dev stack found: %w", err)
	}
	if o.rpc == "" {
		o.rpc = info.RPCURL
	}
	if o.gateway == "" {
		o.gateway = info.Gateway
	}
	return nil
}

func printReport(cmd *cobra.Command, rep *verify.Report, asJSON bool) {
	out := cmd.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return
	}
	fmt.Fprintf(out, "request %d (service %s, status %s, code %s)\n", rep.RequestID, rep.Service, rep.Status, rep.Code)
	for _, c := range rep.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(out, "  %s %s: %s\n", mark, c.Name, c.Detail)
	}
	if rep.OK {
		fmt.Fprintln(out, "verified")
		return
	}
	fmt.Fprintln(os.Stderr, "verification failed")
}
