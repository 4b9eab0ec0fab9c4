package enclave

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/meshrules"
)

// Environment variables the manifest gives every marble. The coordinator
// fills the templated ones at activation; Activate reads them from its
// response and never copies them into the process environment.
const (
	// EnvService names the service the marble runs, as the manifest
	// assigns it.
	EnvService = "SL_SERVICE"
	// EnvMeshCert and EnvMeshKey carry the marble's mesh certificate (PEM)
	// and its PKCS #8 key (PEM), issued by the coordinator.
	EnvMeshCert = "SL_MESH_CERT"
	EnvMeshKey  = "SL_MESH_KEY"
	// EnvMeshRules carries the mesh rules as meshrules.Encode writes them.
	EnvMeshRules = "SL_MESH_RULES"
	// EnvSecretPrefix starts the name of each of the service's secrets,
	// followed by the secret name in upper case; the value is hex.
	EnvSecretPrefix = "SL_SECRET_"
)

// packageName is the one MarbleRun package every marble runs: the
// servicelayer binary.
const packageName = "servicelayer"

// DefaultCertValidDays is the lifetime of a mesh certificate in days when
// ManifestConfig sets none. The coordinator issues a new one at each
// activation.
const DefaultCertValidDays = 365

// serviceSecrets lists the symmetric keys (32 bytes each) the manifest
// generates for each service, by the name the service reads them with
// Marble.Secret. The coordinator generates each one once and gives it to
// every replica of that service only.
var serviceSecrets = map[string][]string{
	"accountpool": {"seed"},
	"oracle":      {"signing_key"},
	"secrets":     {"master_key"},
	"vrf":         {"signing_key", "vrf_key"},
}

// Services returns the marble types of the manifest, one per service that
// runs as a marble, sorted.
func Services() []string {
	names := make([]string, 0, len(serviceSecrets))
	for name := range serviceSecrets {
		names = append(names, name)
	}
	slices.Sort(names)

	return names
}

// SecretNames returns the names of the secrets the manifest generates for
// service, or nil for an unknown service.
func SecretNames(service string) []string {
	return slices.Clone(serviceSecrets[service])
}

// Package identifies the enclave binary the coordinator accepts. A debug
// package is accepted without IDs, which is what simulation mode needs.
// Otherwise set UniqueID, or SignerID with ProductID and SecurityVersion.
type Package struct {
	Debug           bool
	UniqueID        string  `json:",omitempty"`
	SignerID        string  `json:",omitempty"`
	ProductID       *uint64 `json:",omitempty"`
	SecurityVersion *uint   `json:",omitempty"`
}

// ManifestConfig configures GenerateManifest.
type ManifestConfig struct {
	// Package identifies the enclave (default a debug package without IDs,
	// for simulation mode).
	Package *Package
	// CertValidDays is the lifetime of mesh certificates in days (default
	// DefaultCertValidDays).
	CertValidDays uint
	// Rules are the mesh rules the marbles check at start-up (default
	// meshrules.Rules()).
	Rules []meshrules.Rule
	// ToolMarbles are extra marble types with a mesh identity and no
	// secrets, for development tools such as the scripted tour ("demo").
	// They give the binary those callers' rights on the mesh, so a
	// production manifest lists none.
	ToolMarbles []string
}

func (c *ManifestConfig) setDefaults() error {
	if c.Package == nil {
		c.Package = &Package{Debug: true}
	}
	if c.CertValidDays == 0 {
		c.CertValidDays = DefaultCertValidDays
	}
	if c.Rules == nil {
		rules, err := meshrules.Rules()
		if err != nil {
			return err
		}
		c.Rules = rules
	}

	return nil
}

// Validate checks the package the way the coordinator does, so that a
// manifest it would reject is not written.
func (c *ManifestConfig) Validate() error {
	p := c.Package
	switch {
	case p.Debug:
		return nil
	case p.UniqueID != "" && (p.SignerID != "" || p.ProductID != nil || p.SecurityVersion != nil):
		return errors.New("invalid manifest config: set either UniqueID or SignerID, ProductID and SecurityVersion")
	case p.UniqueID == "" && (p.SignerID == "" || p.ProductID == nil || p.SecurityVersion == nil):
		return errors.New("invalid manifest config: a non-debug package needs UniqueID or SignerID, ProductID and SecurityVersion")
	}

	return nil
}

// GenerateManifest returns the MarbleRun manifest of the whole system as
// indented JSON with a final newline. The output depends only on cfg and
// the route tables, so it can be committed and compared.
func GenerateManifest(cfg ManifestConfig) ([]byte, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rules, err := meshrules.Encode(cfg.Rules)
	if err != nil {
		return nil, err
	}

	m := manifest{
		Packages: map[string]Package{packageName: *cfg.Package},
		Marbles:  make(map[string]marble),
		Secrets:  make(map[string]secret),
	}
	for _, service := range append(Services(), cfg.ToolMarbles...) {
		if err := mesh.ValidateServiceName(service); err != nil {
			return nil, fmt.Errorf("marble type: %w", err)
		}
		m.Marbles[service] = marbleFor(service, string(rules))
		m.Secrets[meshSecretName(service)] = meshSecret(service, cfg.CertValidDays)
		for _, name := range serviceSecrets[service] {
			m.Secrets[secretName(service, name)] = secret{Type: "symmetric-key", Size: 256, Shared: true}
		}
	}

	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}

	return append(out, '\n'), nil
}

// marbleFor returns the marble of service. Its environment references
// only that service's own secrets, which is what keeps one service from
// receiving another's identity or keys.
func marbleFor(service, rules string) marble {
	env := map[string]envValue{
		EnvService:   literalEnv(service),
		EnvMeshRules: literalEnv(rules),
		EnvMeshCert:  templateEnv(fmt.Sprintf("{{ pem .Secrets.%s.Cert }}", meshSecretName(service))),
		EnvMeshKey:   templateEnv(fmt.Sprintf("{{ pem .Secrets.%s.Private }}", meshSecretName(service))),
	}
	for _, name := range serviceSecrets[service] {
		env[secretEnv(name)] = templateEnv(fmt.Sprintf("{{ hex .Secrets.%s }}", secretName(service, name)))
	}

	return marble{Package: packageName, Parameters: parameters{Env: env}}
}

// meshSecret is the template of service's mesh certificate: a P-256 key
// (the mesh signs critical calls with ECDSA P-256) and a certificate for
// client and server authentication whose only URI SAN is the service's
// mesh identity. It is not shared, so each marble instance gets its own
// key, issued at its activation.
func meshSecret(service string, validDays uint) secret {
	u := mesh.ServiceURI(service)

	return secret{
		Type:     "cert-ecdsa",
		Size:     256,
		ValidFor: validDays,
		Cert: &certTemplate{
			Subject:     subject{CommonName: service},
			URIs:        []uriTemplate{{Scheme: u.Scheme, Host: u.Host, Path: u.Path}},
			DNSNames:    []string{service},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		},
	}
}

func meshSecretName(service string) string {
	return "mesh_" + service
}

func secretName(service, name string) string {
	return service + "_" + name
}

func secretEnv(name string) string {
	return EnvSecretPrefix + strings.ToUpper(name)
}

func literalEnv(s string) envValue {
	return envValue{Data: s, Encoding: "string", NoTemplates: true}
}

func templateEnv(s string) envValue {
	return envValue{Data: s, Encoding: "string"}
}

// The types below are the part of MarbleRun's manifest schema (v1.9.1)
// that GenerateManifest writes. Field names are the schema's.

type manifest struct {
	Packages map[string]Package
	Marbles  map[string]marble
	Secrets  map[string]secret
}

type marble struct {
	Package    string
	Parameters parameters
}

type parameters struct {
	Env map[string]envValue
}

type envValue struct {
	Data        string
	Encoding    string
	NoTemplates bool
}

type secret struct {
	Type     string
	Size     uint `json:",omitempty"`
	Shared   bool
	ValidFor uint          `json:",omitempty"`
	Cert     *certTemplate `json:",omitempty"`
}

// certTemplate is decoded by the coordinator into an x509.Certificate,
// so its field names and value encodings are those of that struct.
type certTemplate struct {
	Subject     subject
	URIs        []uriTemplate
	DNSNames    []string
	KeyUsage    x509.KeyUsage
	ExtKeyUsage []x509.ExtKeyUsage
}

type subject struct {
	CommonName string
}

type uriTemplate struct {
	Scheme string
	Host   string
	Path   string
}
