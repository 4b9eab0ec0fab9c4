package enclave

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/meshrules"
)

// Environment variables of MarbleRun's marble runtime, read by Activate
// with the same meaning and defaults.
const (
	// EnvCoordinatorAddr is the coordinator's marble (gRPC) address
	// (default "localhost:2001").
	EnvCoordinatorAddr = "EDG_MARBLE_COORDINATOR_ADDR"
	// EnvMarbleType is the marble type in the manifest. Required, and it
	// must be the service the process runs.
	EnvMarbleType = "EDG_MARBLE_TYPE"
	// EnvUUIDFile is the file that keeps the marble's UUID across
	// restarts (default "uuid" in the working directory).
	EnvUUIDFile = "EDG_MARBLE_UUID_FILE"
	// EnvDNSNames lists, comma separated, the DNS names of the marble's
	// MarbleRun certificate (default "localhost").
	EnvDNSNames = "EDG_MARBLE_DNS_NAMES"
)

// DefaultActivationTimeout bounds Activate, including the retries while
// the coordinator is unreachable.
const DefaultActivationTimeout = 30 * time.Second

// Config configures Activate.
type Config struct {
	// Service is the service this process runs, such as "vrf". It must be
	// the marble type in EDG_MARBLE_TYPE. Required.
	Service string
	// Getenv reads the EDG_MARBLE_* settings (default os.Getenv).
	Getenv func(key string) string
	// Quoter produces the SGX quote that binds the activation certificate
	// and later attestation evidence (default SimulationQuoter: no quote).
	Quoter Quoter
	// Rules are the mesh rules compiled into this binary. Activation fails
	// when the manifest's differ (default meshrules.Rules()).
	Rules []meshrules.Rule
	// Timeout bounds the activation (default DefaultActivationTimeout).
	Timeout time.Duration
	// Log receives start-up messages (default: discarded).
	Log *slog.Logger
}

func (c *Config) setDefaults() error {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.Quoter == nil {
		c.Quoter = SimulationQuoter{}
	}
	if c.Rules == nil {
		rules, err := meshrules.Rules()
		if err != nil {
			return err
		}
		c.Rules = rules
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultActivationTimeout
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}

	return nil
}

// Validate checks the service name and the timeout.
func (c *Config) Validate() error {
	if err := mesh.ValidateServiceName(c.Service); err != nil {
		return fmt.Errorf("invalid enclave config: %w", err)
	}
	if c.Timeout < 0 {
		return errors.New("invalid enclave config: negative timeout")
	}

	return nil
}

// settings are the EDG_MARBLE_* values.
type settings struct {
	coordinatorAddr string
	marbleType      string
	uuidFile        string
	dnsNames        []string
}

// loadSettings reads the marble settings with getenv and checks that the
// marble type is service.
func loadSettings(getenv func(string) string, service string) (settings, error) {
	s := settings{
		coordinatorAddr: getenv(EnvCoordinatorAddr),
		marbleType:      getenv(EnvMarbleType),
		uuidFile:        getenv(EnvUUIDFile),
	}
	if s.coordinatorAddr == "" {
		s.coordinatorAddr = "localhost:2001"
	}
	if s.uuidFile == "" {
		wd, err := os.Getwd()
		if err != nil {
			return settings{}, fmt.Errorf("default %s: %w", EnvUUIDFile, err)
		}
		s.uuidFile = filepath.Join(wd, "uuid")
	}
	for name := range strings.SplitSeq(getenv(EnvDNSNames), ",") {
		if name = strings.TrimSpace(name); name != "" {
			s.dnsNames = append(s.dnsNames, name)
		}
	}
	if len(s.dnsNames) == 0 {
		s.dnsNames = []string{"localhost"}
	}

	switch s.marbleType {
	case "":
		return settings{}, fmt.Errorf("%s is not set: set it to the marble type of %q in the manifest", EnvMarbleType, service)
	case service:
		return s, nil
	default:
		return settings{}, fmt.Errorf("%s is %q but this process runs %q: the marble type must be the service",
			EnvMarbleType, s.marbleType, service)
	}
}
