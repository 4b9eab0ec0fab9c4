package enclave

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/meshrules"
)

func testConfig(t *testing.T, service string) Config {
	t.Helper()
	cfg := Config{Service: service}
	require.NoError(t, cfg.setDefaults())

	return cfg
}

func TestParseParameters(t *testing.T) {
	ca := newTestCA(t)
	id := uuid.New()

	m, err := parseParameters(testConfig(t, "vrf"), id, activationEnv(t, ca, "vrf"))
	require.NoError(t, err)

	require.Equal(t, "vrf", m.Service())
	require.Equal(t, id.String(), m.UUID())
	require.True(t, m.Simulation())
	require.Equal(t, []string{"signing_key", "vrf_key"}, m.SecretNames())
	got, err := Identity(m.Certificate().Leaf)
	require.NoError(t, err)
	require.Equal(t, "vrf", got)
	require.True(t, m.CoordinatorRoot().Equal(ca.cert))
	rules, err := meshrules.Rules()
	require.NoError(t, err)
	require.Equal(t, rules, m.Rules())
}

func TestParseParametersRejects(t *testing.T) {
	ca := newTestCA(t)
	other := newTestCA(t)
	oracleCert, oracleKey := ca.issueMesh(t, "oracle")
	foreignCert, foreignKey := other.issueMesh(t, "vrf")
	marbleCert, marbleKey := ca.issueMarble(t, "vrf")
	changedRules := []meshrules.Rule{{Service: "accountpool", Method: "POST", Path: "/v1/leases", Callers: []string{"vrf"}}}
	changedEncoded, err := meshrules.Encode(changedRules)
	require.NoError(t, err)

	tests := []struct {
		name    string
		edit    func(env map[string][]byte)
		wantErr string
	}{
		{name: "other service", edit: func(env map[string][]byte) { env[EnvService] = []byte("oracle") },
			wantErr: `SL_SERVICE="oracle", want "vrf"`},
		{name: "rules missing", edit: func(env map[string][]byte) { delete(env, EnvMeshRules) },
			wantErr: "SL_MESH_RULES: decode mesh rules"},
		{name: "rules differ", edit: func(env map[string][]byte) { env[EnvMeshRules] = changedEncoded },
			wantErr: "mesh rules of the manifest differ from this binary's route tables"},
		{name: "no root", edit: func(env map[string][]byte) { delete(env, envRootCA) },
			wantErr: "MARBLE_PREDEFINED_ROOT_CA: no PEM certificate"},
		{name: "mesh certificate of another service", edit: func(env map[string][]byte) {
			env[EnvMeshCert], env[EnvMeshKey] = oracleCert, oracleKey
		}, wantErr: `mesh certificate names "oracle", want "vrf"`},
		{name: "mesh certificate from another CA", edit: func(env map[string][]byte) {
			env[EnvMeshCert], env[EnvMeshKey] = foreignCert, foreignKey
		}, wantErr: "certificate signed by unknown authority"},
		{name: "marble certificate as mesh certificate", edit: func(env map[string][]byte) {
			env[EnvMeshCert], env[EnvMeshKey] = marbleCert, marbleKey
		}, wantErr: "not ECDSA P-256"},
		{name: "mesh key missing", edit: func(env map[string][]byte) { delete(env, EnvMeshKey) },
			wantErr: "load mesh certificate and key"},
		{name: "secret not hex", edit: func(env map[string][]byte) { env[secretEnv("vrf_key")] = []byte("zz-secret-zz") },
			wantErr: `secret "vrf_key" is empty or invalid hex (12 characters)`},
		{name: "secret empty", edit: func(env map[string][]byte) { env[secretEnv("vrf_key")] = nil },
			wantErr: `secret "vrf_key" is empty`},
		{name: "no coordinator root", edit: func(env map[string][]byte) { delete(env, envCoordinatorRoot) },
			wantErr: "MARBLE_PREDEFINED_COORDINATOR_ROOT_CA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := activationEnv(t, ca, "vrf")
			tc.edit(env)

			_, err := newMarble(testConfig(t, "vrf"), uuid.New(), activationParameters{env: env})
			require.ErrorIs(t, err, ErrInvalidParameters)
			require.ErrorContains(t, err, tc.wantErr)
			require.NotContains(t, err.Error(), "zz-secret-zz")
		})
	}
}

func TestMarbleSecret(t *testing.T) {
	env := activationEnv(t, newTestCA(t), "vrf")
	m, err := parseParameters(testConfig(t, "vrf"), uuid.New(), env)
	require.NoError(t, err)

	got, err := m.Secret("vrf_key")
	require.NoError(t, err)
	require.Equal(t, string(env[secretEnv("vrf_key")]), hex.EncodeToString(got))
	got[0] ^= 0xff
	again, err := m.Secret("vrf_key")
	require.NoError(t, err)
	require.NotEqual(t, got[0], again[0], "Secret returned the stored slice")

	_, err = m.Secret("seed")
	require.ErrorIs(t, err, ErrSecretNotFound)
	require.ErrorContains(t, err, `vrf has no secret "seed"`)
}

func TestMarbleLogsNoSecrets(t *testing.T) {
	env := activationEnv(t, newTestCA(t), "vrf")
	m, err := parseParameters(testConfig(t, "vrf"), uuid.New(), env)
	require.NoError(t, err)
	var out strings.Builder
	log := slog.New(slog.NewTextHandler(&out, nil))

	log.Info("started", "marble", m)
	text := out.String() + fmt.Sprint(m) + fmt.Sprintf("%+v", m)

	require.Contains(t, text, "service=vrf")
	require.Contains(t, text, m.UUID())
	secret, err := m.Secret("signing_key")
	require.NoError(t, err)
	require.NotContains(t, text, hex.EncodeToString(secret))
	require.NotContains(t, text, "PRIVATE KEY")
}

func TestMarbleMeshConfigs(t *testing.T) {
	m, err := parseParameters(testConfig(t, "vrf"), uuid.New(), activationEnv(t, newTestCA(t), "vrf"))
	require.NoError(t, err)
	resolver, err := mesh.NewStaticResolver(nil)
	require.NoError(t, err)

	server := m.ServerConfig(nil)
	require.Equal(t, "vrf", server.Service)
	require.NotNil(t, server.Identity)
	require.NotNil(t, server.Roots)
	client := m.ClientConfig(resolver)
	require.Equal(t, "vrf", client.Service)
	require.NotNil(t, client.Identity)
	require.Equal(t, m.Certificate().Certificate, client.Certificate.Certificate)

	_, err = mesh.NewServer(server)
	require.NoError(t, err)
	_, err = mesh.NewClient(client)
	require.NoError(t, err)
}
