package enclave

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/meshrules"
)

// testCA issues certificates the way the coordinator does: mesh
// certificates from the manifest's template, marble certificates with
// the marble-type extension.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test marble CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)

	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pem() []byte {
	return pemBlock("CERTIFICATE", ca.cert.Raw)
}

// issue signs tmpl for key's public key and returns the certificate and
// key as PEM.
func (ca *testCA) issue(t *testing.T, tmpl *x509.Certificate, key crypto.Signer) (certPEM, keyPEM []byte) {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore = time.Now().Add(-time.Minute)
	tmpl.NotAfter = time.Now().Add(time.Hour)
	tmpl.BasicConstraintsValid = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER)
}

// issueMesh issues a mesh certificate for service from the manifest's
// template, decoded as the coordinator decodes it.
func (ca *testCA) issueMesh(t *testing.T, service string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	return ca.issue(t, meshTemplate(t, service), key)
}

// meshTemplate returns the manifest's certificate template of service as
// an x509.Certificate, decoded from JSON as the coordinator does.
func meshTemplate(t *testing.T, service string) *x509.Certificate {
	t.Helper()
	raw, err := json.Marshal(meshSecret(service, DefaultCertValidDays).Cert)
	require.NoError(t, err)
	var tmpl x509.Certificate
	require.NoError(t, json.Unmarshal(raw, &tmpl))

	return &tmpl
}

// issueMarble issues a MarbleRun-style marble certificate: CN the UUID,
// the marble-type extension and a P-384 key.
func (ca *testCA) issueMarble(t *testing.T, marbleType string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		Subject:         pkix.Name{CommonName: "0b5f5ec5-5d0c-4e0a-9a4a-3c1c9d2f1e11"},
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		ExtraExtensions: []pkix.Extension{{Id: marbleTypeOID, Value: []byte(marbleType)}},
		DNSNames:        []string{"localhost"},
	}

	return ca.issue(t, tmpl, key)
}

func pemBlock(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

func parsePEMCert(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	certs, err := parseCertificates(data)
	require.NoError(t, err)

	return certs[0]
}

// activationEnv returns the environment a coordinator with ca returns
// for service under the generated manifest.
func activationEnv(t *testing.T, ca *testCA, service string) map[string][]byte {
	t.Helper()
	rules, err := meshrules.Rules()
	require.NoError(t, err)
	encoded, err := meshrules.Encode(rules)
	require.NoError(t, err)
	meshCert, meshKey := ca.issueMesh(t, service)
	marbleCert, marbleKey := ca.issueMarble(t, service)

	env := map[string][]byte{
		EnvService:         []byte(service),
		EnvMeshRules:       encoded,
		EnvMeshCert:        meshCert,
		EnvMeshKey:         meshKey,
		envRootCA:          ca.pem(),
		envMarbleCert:      marbleCert,
		envMarbleKey:       marbleKey,
		envCoordinatorRoot: ca.pem(),
	}
	for i, name := range SecretNames(service) {
		value := make([]byte, 32)
		value[0] = byte(i + 1)
		env[secretEnv(name)] = []byte(hex.EncodeToString(value))
	}

	return env
}
