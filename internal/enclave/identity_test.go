package enclave

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestIdentity(t *testing.T) {
	ca := newTestCA(t)
	meshCert, _ := ca.issueMesh(t, "vrf")
	marbleCert, _ := ca.issueMarble(t, "vrf")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	uriCA := meshTemplate(t, "vrf")
	uriCA.IsCA = true
	uriCA.KeyUsage |= x509.KeyUsageCertSign
	caWithURI, _ := ca.issue(t, uriCA, key)
	marbleWithURI := meshTemplate(t, "vrf")
	marbleWithURI.ExtraExtensions = []pkix.Extension{{Id: marbleTypeOID, Value: []byte("vrf")}}
	marbleWithURICert, _ := ca.issue(t, marbleWithURI, key)
	twoURIs := meshTemplate(t, "vrf")
	twoURIs.URIs = append(twoURIs.URIs, &url.URL{Scheme: "spiffe", Host: "servicelayer", Path: "/oracle"})
	twoURIsCert, _ := ca.issue(t, twoURIs, key)

	tests := []struct {
		name    string
		cert    []byte
		want    string
		wantErr string
	}{
		{name: "mesh certificate", cert: meshCert, want: "vrf"},
		{name: "marble certificate", cert: marbleCert, wantErr: "MarbleRun marble certificate"},
		{name: "marble certificate with URI", cert: marbleWithURICert, wantErr: "MarbleRun marble certificate"},
		{name: "CA with URI", cert: caWithURI, wantErr: "certificate is a CA"},
		{name: "two URIs", cert: twoURIsCert, wantErr: "exactly one URI SAN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Identity(parsePEMCert(t, tc.cert))
			if tc.wantErr == "" {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, mesh.ErrNoIdentity)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestLoadMeshCertificate(t *testing.T) {
	ca := newTestCA(t)
	other := newTestCA(t)
	cert, key := ca.issueMesh(t, "vrf")
	_, otherKey := ca.issueMesh(t, "vrf")
	foreignCert, foreignKey := other.issueMesh(t, "vrf")
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384Cert, p384Key := ca.issue(t, meshTemplate(t, "vrf"), p384)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serverOnly := meshTemplate(t, "vrf")
	serverOnly.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	serverOnlyCert, serverOnlyKey := ca.issue(t, serverOnly, p256)
	roots, err := parseRoots(ca.pem())
	require.NoError(t, err)

	tests := []struct {
		name    string
		cert    []byte
		key     []byte
		service string
		wantErr string
	}{
		{name: "valid", cert: cert, key: key, service: "vrf"},
		{name: "other service", cert: cert, key: key, service: "oracle", wantErr: `names "vrf", want "oracle"`},
		{name: "key of another certificate", cert: cert, key: otherKey, service: "vrf", wantErr: "private key does not match"},
		{name: "other CA", cert: foreignCert, key: foreignKey, service: "vrf", wantErr: "unknown authority"},
		{name: "P-384 key", cert: p384Cert, key: p384Key, service: "vrf", wantErr: "not ECDSA P-256"},
		{name: "server auth only", cert: serverOnlyCert, key: serverOnlyKey, service: "vrf", wantErr: "incompatible key usage"},
		{name: "missing", service: "vrf", wantErr: "load mesh certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loadMeshCertificate(tc.cert, tc.key, roots, tc.service)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got.Leaf)
			require.Equal(t, "spiffe://servicelayer/vrf", got.Leaf.URIs[0].String())
		})
	}
}
