package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

// newManifestCommand writes the MarbleRun manifest, and optionally sets it
// on a coordinator.
func newManifestCommand(_ *rootOptions) *cobra.Command {
	var out, coordinator string
	var devTour bool
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Write the MarbleRun manifest of every service, or set it on a coordinator",
		Long: `Manifest writes the MarbleRun manifest for the whole system: one marble type
per service, each service's secrets and mesh certificate, and the mesh rules
derived from the services' route tables, so the manifest and the routes never
disagree. The package is a debug package for simulation mode.

With --coordinator ADDR it also sets the manifest on that coordinator's client
API (host:port, e.g. 127.0.0.1:4433). The coordinator's certificate is
trusted on first use, which is only acceptable in development.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := enclave.ManifestConfig{}
			if devTour {
				cfg.ToolMarbles = []string{"demo"}
			}
			manifest, err := enclave.GenerateManifest(cfg)
			if err != nil {
				return fmt.Errorf("generate manifest: %w", err)
			}
			if out == "-" {
				_, err = cmd.OutOrStdout().Write(manifest)
			} else {
				err = os.WriteFile(out, manifest, 0o644)
			}
			if err != nil {
				return fmt.Errorf("write manifest: %w", err)
			}
			if coordinator == "" {
				return nil
			}

			c, err := enclave.NewCoordinator(cmd.Context(), coordinator, nil)
			if err != nil {
				return fmt.Errorf("connect to coordinator %s: %w", coordinator, err)
			}
			defer c.CloseIdleConnections()
			if err := c.SetManifest(cmd.Context(), manifest); err != nil {
				return fmt.Errorf("set manifest on %s: %w", coordinator, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "manifest set on %s\n", coordinator)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "-", "file to write the manifest to, - for stdout")
	cmd.Flags().StringVar(&coordinator, "coordinator", "", "coordinator client API address to set the manifest on")
	cmd.Flags().BoolVar(&devTour, "dev-tour", false,
		`add a "demo" marble type for "servicelayer demo --marble" (development only: it may lease and transfer)`)
	return cmd
}
