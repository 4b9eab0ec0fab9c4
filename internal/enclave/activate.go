package enclave

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"
)

// Activate activates the process as a marble of cfg.Service with the
// MarbleRun coordinator named by EDG_MARBLE_COORDINATOR_ADDR, and returns
// its identity, mesh credentials and secrets. Call it once at start-up,
// before serving.
//
// It reads the EDG_MARBLE_* settings, loads or creates the marble UUID,
// sends the coordinator an activation request with a quote from
// cfg.Quoter (empty in simulation mode), and checks what the manifest
// returns: the service name, a mesh certificate for that service that
// chains to the coordinator's CA, mesh rules equal to cfg.Rules, and the
// secrets. The values stay in memory: unlike MarbleRun's premain, Activate
// writes no files and sets no environment variables.
//
// While the coordinator is unreachable it retries until cfg.Timeout. The
// error wraps ErrCoordinatorUnreachable, ErrManifestNotSet,
// ErrActivationRejected or ErrInvalidParameters when one of them applies.
func Activate(ctx context.Context, cfg Config) (*Marble, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := loadSettings(cfg.Getenv, cfg.Service)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}

	log := cfg.Log.With("component", "enclave", "service", cfg.Service)
	if cfg.Quoter.Simulation() {
		log.Warn("enclave in simulation mode: no TEE and no quote, so the coordinator accepts this marble " +
			"only in simulation mode and nothing protects the secrets it hands out")
	}

	id, created, err := loadOrCreateUUID(s.uuidFile)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}
	key, err := newActivationKey(s.dnsNames)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}
	// The quote binds the SHA-256 of the activation certificate, which is
	// what MarbleRun's coordinator checks.
	certHash := sha256.Sum256(key.tls.Certificate[0])
	quote, err := cfg.Quoter.Quote(certHash[:])
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: quote: %w", cfg.Service, err)
	}

	req := activationRequest{quote: quote, csr: key.csr, marbleType: s.marbleType, uuid: id.String()}
	log.Info("activating marble", "coordinator", s.coordinatorAddr, "uuid", id.String(), "new_uuid", created)
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	resp, err := callActivate(ctx, s.coordinatorAddr, key.tls, req.marshal(), log)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}

	params, err := parseActivationResponse(resp)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}
	m, err := newMarble(cfg, id, params)
	if err != nil {
		return nil, fmt.Errorf("activate %s marble: %w", cfg.Service, err)
	}

	log.Info("marble activated",
		"uuid", id.String(),
		"took", time.Since(start).Round(time.Millisecond),
		"simulation", m.Simulation(),
		"mesh_cert_expires", m.meshCert.Leaf.NotAfter,
		"secrets", m.SecretNames(),
	)

	return m, nil
}
