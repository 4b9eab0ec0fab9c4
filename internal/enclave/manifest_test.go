package enclave

import (
	"crypto/x509"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/meshrules"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

var update = flag.Bool("update", false, "rewrite deploy/manifest.json and deploy/mesh-rules.json")

// deployManifest is the generated manifest committed for deployment.
var deployManifest = filepath.Join("..", "..", "deploy", "manifest.json")

func generated(t *testing.T) manifest {
	t.Helper()
	raw, err := GenerateManifest(ManifestConfig{})
	require.NoError(t, err)
	var m manifest
	require.NoError(t, json.Unmarshal(raw, &m))

	return m
}

func TestDeployManifestIsFresh(t *testing.T) {
	want, err := GenerateManifest(ManifestConfig{})
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(deployManifest, want, 0o644))
	}

	got, err := os.ReadFile(deployManifest)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got),
		"deploy/manifest.json is stale: run go test ./internal/enclave -run TestDeploy -update")
}

// deployRules is the mesh policy in readable form, for reviewers of a
// change to the manifest.
var deployRules = filepath.Join("..", "..", "deploy", "mesh-rules.json")

func TestDeployMeshRulesAreFresh(t *testing.T) {
	rules, err := meshrules.Rules()
	require.NoError(t, err)
	want, err := json.MarshalIndent(rules, "", "  ")
	require.NoError(t, err)
	want = append(want, '\n')
	if *update {
		require.NoError(t, os.WriteFile(deployRules, want, 0o644))
	}

	got, err := os.ReadFile(deployRules)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got),
		"deploy/mesh-rules.json is stale: run go test ./internal/enclave -run TestDeploy -update")
}

func TestGenerateManifestIsDeterministic(t *testing.T) {
	first, err := GenerateManifest(ManifestConfig{})
	require.NoError(t, err)
	second, err := GenerateManifest(ManifestConfig{})
	require.NoError(t, err)

	require.Equal(t, first, second)
}

func TestManifestServicesAreServiceNames(t *testing.T) {
	want := []string{poolapi.ServiceName, oracle.ServiceName, secretsapi.ServiceName, vrf.ServiceName}
	slices.Sort(want)

	require.Equal(t, want, Services())
	require.Equal(t, want, slices.Sorted(maps.Keys(generated(t).Marbles)))
}

func TestManifestRulesMatchRouteTables(t *testing.T) {
	want, err := meshrules.Rules()
	require.NoError(t, err)

	for name, m := range generated(t).Marbles {
		env, ok := m.Parameters.Env[EnvMeshRules]
		require.True(t, ok, "marble %s has no %s", name, EnvMeshRules)
		require.True(t, env.NoTemplates, "marble %s: rules must not be templated", name)
		got, err := meshrules.Decode([]byte(env.Data))
		require.NoError(t, err, name)
		require.NoError(t, meshrules.Diff(want, got), name)
	}
}

var secretRef = regexp.MustCompile(`\.Secrets\.(\w+)`)

func TestManifestMarblesReferenceOwnSecretsOnly(t *testing.T) {
	m := generated(t)

	for service, marble := range m.Marbles {
		var refs []string
		for key, env := range marble.Parameters.Env {
			for _, match := range secretRef.FindAllStringSubmatch(env.Data, -1) {
				ref := match[1]
				refs = append(refs, ref)
				require.Contains(t, m.Secrets, ref, "%s %s references an undefined secret", service, key)
				own := ref == meshSecretName(service) || strings.HasPrefix(ref, service+"_")
				require.True(t, own, "%s %s references %s, a secret of another service", service, key, ref)
			}
		}
		require.Contains(t, refs, meshSecretName(service), service)
		for _, name := range SecretNames(service) {
			require.Contains(t, refs, secretName(service, name), service)
		}
		require.Equal(t, service, marble.Parameters.Env[EnvService].Data)
		require.Equal(t, packageName, marble.Package)
	}
}

func TestManifestSecrets(t *testing.T) {
	m := generated(t)

	for _, service := range Services() {
		mesh := m.Secrets[meshSecretName(service)]
		require.Equal(t, "cert-ecdsa", mesh.Type, service)
		require.Equal(t, uint(256), mesh.Size, service)
		require.False(t, mesh.Shared, "%s: each marble needs its own mesh key", service)
		require.Equal(t, uint(DefaultCertValidDays), mesh.ValidFor, service)

		for _, name := range SecretNames(service) {
			s := m.Secrets[secretName(service, name)]
			require.Equal(t, "symmetric-key", s.Type, name)
			require.Equal(t, uint(256), s.Size, name)
			require.True(t, s.Shared, "%s: replicas must share %s", service, name)
		}
	}
	require.True(t, m.Packages[packageName].Debug)
}

func TestMeshTemplateDecodesAsCertificate(t *testing.T) {
	tmpl := meshTemplate(t, "vrf")

	require.Len(t, tmpl.URIs, 1)
	require.Equal(t, "spiffe://servicelayer/vrf", tmpl.URIs[0].String())
	require.Equal(t, "vrf", tmpl.Subject.CommonName)
	require.Equal(t, x509.KeyUsageDigitalSignature, tmpl.KeyUsage)
	require.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, tmpl.ExtKeyUsage)
	require.False(t, tmpl.IsCA)
}

func TestManifestConfigValidate(t *testing.T) {
	productID, securityVersion := uint64(1), uint(2)
	tests := []struct {
		name    string
		pkg     Package
		wantErr string
	}{
		{name: "debug without IDs", pkg: Package{Debug: true}},
		{name: "unique ID", pkg: Package{UniqueID: "ab"}},
		{
			name: "signer ID with product and version",
			pkg:  Package{SignerID: "ab", ProductID: &productID, SecurityVersion: &securityVersion},
		},
		{name: "no IDs", pkg: Package{}, wantErr: "needs UniqueID"},
		{name: "signer ID alone", pkg: Package{SignerID: "ab"}, wantErr: "needs UniqueID"},
		{name: "both IDs", pkg: Package{UniqueID: "ab", SignerID: "cd"}, wantErr: "either UniqueID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := GenerateManifest(ManifestConfig{Package: &tc.pkg})
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
