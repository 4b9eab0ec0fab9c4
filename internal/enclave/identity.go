package enclave

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// marbleTypeOID is the extension MarbleRun (v1.9.1) puts in the marble
// certificate it issues at activation, holding the marble type.
var marbleTypeOID = asn1.ObjectIdentifier{1, 3, 9903, 2, 1}

var _ mesh.IdentityFunc = Identity

// Identity is the mesh.IdentityFunc of production mode. The coordinator
// issues every marble a mesh certificate whose only URI SAN is
// spiffe://servicelayer/<service>, from a secret that only that service's
// marbles receive. Identity returns that service, as mesh.SPIFFEIdentity
// does, and also rejects CA certificates and the per-marble certificates
// MarbleRun issues at activation. Those chain to the same root, but the
// marble chooses their names, so they must not name a service.
func Identity(cert *x509.Certificate) (string, error) {
	if cert.IsCA {
		return "", fmt.Errorf("%w: certificate is a CA", mesh.ErrNoIdentity)
	}
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(marbleTypeOID) {
			return "", fmt.Errorf("%w: MarbleRun marble certificate, not a mesh certificate", mesh.ErrNoIdentity)
		}
	}

	return mesh.SPIFFEIdentity(cert)
}

// parseRoots returns a pool of every certificate in the PEM data.
func parseRoots(data []byte) (*x509.CertPool, error) {
	certs, err := parseCertificates(data)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, cert := range certs {
		pool.AddCert(cert)
	}

	return pool, nil
}

// parseCertificates returns the certificates of the PEM data, at least
// one.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate")
	}

	return certs, nil
}

// loadMeshCertificate parses the mesh certificate and key and checks that
// the key is ECDSA P-256 (the mesh signs critical calls with it), that
// the certificate chains to roots for both client and server
// authentication, and that Identity names service.
func loadMeshCertificate(certPEM, keyPEM []byte, roots *x509.CertPool, service string) (tls.Certificate, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("load mesh certificate and key: %w", err)
	}
	leaf := cert.Leaf

	key, ok := cert.PrivateKey.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		return tls.Certificate{}, errors.New("mesh key is not ECDSA P-256: set Size 256 on the cert-ecdsa secret")
	}

	intermediates := x509.NewCertPool()
	for _, der := range cert.Certificate[1:] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("parse mesh certificate chain: %w", err)
		}
		intermediates.AddCert(c)
	}
	for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth} {
		opts := x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{usage}}
		if _, err := leaf.Verify(opts); err != nil {
			return tls.Certificate{}, fmt.Errorf("verify mesh certificate against the coordinator's root: %w", err)
		}
	}

	got, err := Identity(leaf)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("mesh certificate: %w", err)
	}
	if got != service {
		return tls.Certificate{}, fmt.Errorf("mesh certificate names %q, want %q", got, service)
	}

	return cert, nil
}
