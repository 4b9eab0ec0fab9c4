package enclave

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/meshrules"
)

// Environment entries MarbleRun (v1.9.1) adds to every activated marble's
// parameters.
const (
	// envRootCA is the CA that issues marble and mesh certificates: the
	// mesh's trust root.
	envRootCA = "MARBLE_PREDEFINED_ROOT_CA"
	// envMarbleCert and envMarbleKey are the marble's own MarbleRun
	// certificate chain and key.
	envMarbleCert = "MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN"
	envMarbleKey  = "MARBLE_PREDEFINED_PRIVATE_KEY"
	// envCoordinatorRoot is the coordinator's root certificate.
	envCoordinatorRoot = "MARBLE_PREDEFINED_COORDINATOR_ROOT_CA"
)

// Marble is an activated marble: its identity, mesh credentials, secrets
// and a way to attest keys. Its String and LogValue name the service and
// UUID only. It is safe for concurrent use; nothing in it changes after
// Activate.
type Marble struct {
	service         string
	uuid            uuid.UUID
	quoter          Quoter
	meshCert        tls.Certificate
	roots           *x509.CertPool
	marbleCert      tls.Certificate
	coordinatorRoot *x509.Certificate
	rules           []meshrules.Rule
	// secrets maps a secret name, such as "signing_key", to its value.
	secrets map[string][]byte
}

// newMarble checks the parameters the coordinator returned and builds the
// marble. Every failure wraps ErrInvalidParameters.
func newMarble(cfg Config, id uuid.UUID, params activationParameters) (*Marble, error) {
	m, err := parseParameters(cfg, id, params.env)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidParameters, err)
	}

	return m, nil
}

func parseParameters(cfg Config, id uuid.UUID, env map[string][]byte) (*Marble, error) {
	if got := string(env[EnvService]); got != cfg.Service {
		return nil, fmt.Errorf("manifest gives this marble %s=%q, want %q", EnvService, got, cfg.Service)
	}

	rules, err := meshrules.Decode(env[EnvMeshRules])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvMeshRules, err)
	}
	if err := meshrules.Diff(cfg.Rules, rules); err != nil {
		return nil, fmt.Errorf("mesh rules of the manifest differ from this binary's route tables "+
			"(regenerate and set the manifest): %w", err)
	}

	roots, err := parseRoots(env[envRootCA])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envRootCA, err)
	}
	meshCert, err := loadMeshCertificate(env[EnvMeshCert], env[EnvMeshKey], roots, cfg.Service)
	if err != nil {
		return nil, err
	}
	marbleCert, err := tls.X509KeyPair(env[envMarbleCert], env[envMarbleKey])
	if err != nil {
		return nil, fmt.Errorf("marble certificate: %w", err)
	}
	coordinatorRoots, err := parseCertificates(env[envCoordinatorRoot])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCoordinatorRoot, err)
	}

	secrets, err := parseSecrets(env)
	if err != nil {
		return nil, err
	}

	return &Marble{
		service:         cfg.Service,
		uuid:            id,
		quoter:          cfg.Quoter,
		meshCert:        meshCert,
		roots:           roots,
		marbleCert:      marbleCert,
		coordinatorRoot: coordinatorRoots[0],
		rules:           rules,
		secrets:         secrets,
	}, nil
}

// parseSecrets decodes every SL_SECRET_<NAME> entry, hex encoded, into
// secrets["<name>"].
func parseSecrets(env map[string][]byte) (map[string][]byte, error) {
	secrets := make(map[string][]byte)
	for key, value := range env {
		upper, ok := strings.CutPrefix(key, EnvSecretPrefix)
		if !ok {
			continue
		}
		name := strings.ToLower(upper)
		b, err := hex.DecodeString(string(value))
		if err != nil || len(b) == 0 {
			// The error never contains the value.
			return nil, fmt.Errorf("secret %q is empty or invalid hex (%d characters)", name, len(value))
		}
		secrets[name] = b
	}

	return secrets, nil
}

// Service returns the service the marble runs, which is its marble type.
func (m *Marble) Service() string { return m.service }

// UUID returns the marble's UUID, stable across restarts through the
// UUID file.
func (m *Marble) UUID() string { return m.uuid.String() }

// Simulation reports whether the marble runs without a TEE.
func (m *Marble) Simulation() bool { return m.quoter.Simulation() }

// Certificate returns the mesh certificate, issued by the coordinator
// for this marble, naming the service.
func (m *Marble) Certificate() tls.Certificate { return m.meshCert }

// Roots returns a new pool with the coordinator's marble CA, the root
// that verifies every other marble's mesh certificate.
func (m *Marble) Roots() *x509.CertPool { return m.roots.Clone() }

// MarbleCertificate returns the certificate MarbleRun issued at
// activation: its CN is the marble UUID and its DNS names are the ones
// the marble asked for. It is not a mesh identity (see Identity).
func (m *Marble) MarbleCertificate() tls.Certificate { return m.marbleCert }

// CoordinatorRoot returns the coordinator's root certificate.
func (m *Marble) CoordinatorRoot() *x509.Certificate { return m.coordinatorRoot }

// Rules returns the mesh rules of the manifest, equal to the binary's.
func (m *Marble) Rules() []meshrules.Rule { return slices.Clone(m.rules) }

// SecretNames returns the names of the secrets the manifest gave the
// service, sorted.
func (m *Marble) SecretNames() []string {
	return slices.Sorted(maps.Keys(m.secrets))
}

// Secret returns a copy of the secret called name, such as "seed" or
// "signing_key" (see SecretNames), or an error wrapping
// ErrSecretNotFound.
func (m *Marble) Secret(name string) ([]byte, error) {
	b, ok := m.secrets[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s has no secret %q in the manifest", ErrSecretNotFound, m.service, name)
	}

	return slices.Clone(b), nil
}

// Attest returns the attestation evidence for publicKey, to be
// registered on the Gateway with the key (see Evidence.Hash).
func (m *Marble) Attest(publicKey []byte) (Evidence, error) {
	return attest(m.service, m.quoter, publicKey)
}

// ServerConfig returns a mesh server configuration with the marble's
// identity, certificate, roots and Identity function. The caller sets the
// address and the other options.
func (m *Marble) ServerConfig(endpoints []mesh.Endpoint) mesh.ServerConfig {
	return mesh.ServerConfig{
		Service:     m.service,
		Certificate: m.meshCert,
		Roots:       m.Roots(),
		Endpoints:   endpoints,
		Identity:    Identity,
	}
}

// ClientConfig returns a mesh client configuration with the marble's
// identity, certificate, roots and Identity function.
func (m *Marble) ClientConfig(resolver mesh.Resolver) mesh.ClientConfig {
	return mesh.ClientConfig{
		Service:     m.service,
		Certificate: m.meshCert,
		Roots:       m.Roots(),
		Resolver:    resolver,
		Identity:    Identity,
	}
}

// String returns the service and UUID.
func (m *Marble) String() string {
	return m.service + " marble " + m.uuid.String()
}

// LogValue returns the service and UUID, never keys or secrets.
func (m *Marble) LogValue() slog.Value {
	return slog.GroupValue(slog.String("service", m.service), slog.String("uuid", m.uuid.String()))
}
