package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/spf13/cobra"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devstack"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// maxSecretInput bounds what put reads from standard input; the service
// rejects values over 64 KiB anyway.
const maxSecretInput = 1 << 20

type secretsOptions struct {
	dataDir string
	owner   string
}

// newSecretsCommand is the owner's interface to the Secrets service of a
// dev stack. It calls the service over the mesh with the identity "cli".
func newSecretsCommand(_ *rootOptions) *cobra.Command {
	opts := &secretsOptions{}
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Store and manage secrets that the Oracle may use for your contracts",
		Long: `Secrets stores values such as API keys in the Secrets service, encrypted,
for the Oracle to insert into requests your contracts make ({{secret:name}}
in the URL query, headers or body). Values are never shown again after put.

It talks to the Secrets service of the dev stack on --data-dir with the mesh
identity "cli". The owner defaults to the dev user account; in dev the
command is trusted to speak for any owner, which the public gateway will
check with wallet signatures in production.`,
	}
	cmd.PersistentFlags().StringVar(&opts.dataDir, "data-dir", devstack.DefaultDataDir, "data directory of the running dev stack")
	cmd.PersistentFlags().StringVar(&opts.owner, "owner", "", "owner address (default: the dev user account)")
	cmd.AddCommand(
		secretsPutCommand(opts),
		secretsListCommand(opts),
		secretsShowCommand(opts),
		secretsRuleCommand(opts, "grant", "Allow a service or contract to use a secret"),
		secretsRuleCommand(opts, "deny", "Forbid a service or contract to use a secret; a deny beats any grant"),
		secretsRuleCommand(opts, "revoke", "Remove every rule about a service or contract"),
		secretsDeleteCommand(opts),
	)
	return cmd
}

// client returns the Secrets client and the owner script hash.
func (o *secretsOptions) client() (*secretsapi.Client, util.Uint160, error) {
	ownerAddr := o.owner
	if ownerAddr == "" {
		info, err := devstack.ReadInfo(o.dataDir)
		if err != nil {
			return nil, util.Uint160{}, fmt.Errorf("--owner not given and no dev stack found: %w", err)
		}
		ownerAddr = info.UserAddress
	}
	owner, err := address.StringToUint160(ownerAddr)
	if err != nil {
		return nil, util.Uint160{}, fmt.Errorf("invalid --owner %q: want a Neo N3 address: %w", ownerAddr, err)
	}
	m, err := devstack.MeshClient(o.dataDir, "cli")
	if err != nil {
		return nil, util.Uint160{}, err
	}
	return secretsapi.NewClient(m), owner, nil
}

func secretsPutCommand(opts *secretsOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "put NAME",
		Short: "Store a new version of a secret, read from standard input",
		Long: `Put reads the value from standard input (one trailing newline is dropped), so
it stays out of your shell history, and stores it as a new version.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, owner, err := opts.client()
			if err != nil {
				return err
			}
			value, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxSecretInput+1))
			if err != nil {
				return fmt.Errorf("read value from standard input: %w", err)
			}
			if len(value) > maxSecretInput {
				return fmt.Errorf("value on standard input is over %d bytes", maxSecretInput)
			}
			value = []byte(strings.TrimSuffix(string(value), "\n"))
			if len(value) == 0 {
				return errors.New("empty value: pipe the secret into standard input")
			}
			version, err := client.Put(cmd.Context(), owner, args[0], value)
			clear(value)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stored %s version %d\n", args[0], version)
			return nil
		},
	}
}

func secretsListCommand(opts *secretsOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the owner's secrets and their versions (never values)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, owner, err := opts.client()
			if err != nil {
				return err
			}
			list, err := client.List(cmd.Context(), owner)
			if err != nil {
				return err
			}
			return printJSON(cmd, list)
		},
	}
}

func secretsShowCommand(opts *secretsOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a secret's versions and access rules (never its value)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, owner, err := opts.client()
			if err != nil {
				return err
			}
			meta, err := client.Metadata(cmd.Context(), owner, args[0])
			if err != nil {
				return err
			}
			return printJSON(cmd, meta)
		},
	}
}

func secretsRuleCommand(opts *secretsOptions, action, short string) *cobra.Command {
	var service, contract string
	cmd := &cobra.Command{
		Use:   action + " NAME (--service SERVICE | --contract HASH)",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			subject, err := ruleSubject(service, contract)
			if err != nil {
				return err
			}
			client, owner, err := opts.client()
			if err != nil {
				return err
			}
			switch action {
			case "grant":
				err = client.Grant(cmd.Context(), owner, args[0], subject)
			case "deny":
				err = client.Deny(cmd.Context(), owner, args[0], subject)
			default:
				err = client.Revoke(cmd.Context(), owner, args[0], subject)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: done\n", action, args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "service the rule is about, e.g. oracle")
	cmd.Flags().StringVar(&contract, "contract", "", "requesting contract the rule is about (script hash, 0x-prefixed LE hex)")
	return cmd
}

func ruleSubject(service, contract string) (secretsapi.Subject, error) {
	switch {
	case service != "" && contract != "":
		return secretsapi.Subject{}, errors.New("give either --service or --contract, not both")
	case service != "":
		return secretsapi.ServiceSubject(service), nil
	case contract != "":
		h, err := binding.ParseHash160(contract)
		if err != nil {
			return secretsapi.Subject{}, fmt.Errorf("invalid --contract: %w", err)
		}
		return secretsapi.ContractSubject(h), nil
	}
	return secretsapi.Subject{}, errors.New("missing --service or --contract")
}

func secretsDeleteCommand(opts *secretsOptions) *cobra.Command {
	var version uint64
	var all bool
	cmd := &cobra.Command{
		Use:   "delete NAME (--version N | --all)",
		Short: "Delete one version of a secret, or the whole secret",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (version == 0) == !all {
				return errors.New("give exactly one of --version N and --all")
			}
			client, owner, err := opts.client()
			if err != nil {
				return err
			}
			if all {
				err = client.Delete(cmd.Context(), owner, args[0])
			} else {
				err = client.DeleteVersion(cmd.Context(), owner, args[0], version)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", args[0])
			return nil
		},
	}
	cmd.Flags().Uint64Var(&version, "version", 0, "version to delete")
	cmd.Flags().BoolVar(&all, "all", false, "delete every version and the access rules")
	return cmd
}

func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
