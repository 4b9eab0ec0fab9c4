package mesh

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Lifetimes of dev certificates.
const (
	devCALifetime   = 10 * 365 * 24 * time.Hour
	devLeafLifetime = 24 * time.Hour
	// devClockSkew backdates NotBefore so peers with slightly slow clocks
	// accept a certificate issued a moment ago.
	devClockSkew = 5 * time.Minute
)

// Files of a dev CA inside its directory.
const (
	devCAKeyFile  = "mesh-ca.key"
	devCACertFile = "mesh-ca.crt"
)

// DevCA is a local certificate authority for development and tests. It
// issues short-lived leaf certificates carrying a service's mesh identity.
// Production certificates come from the enclave layer instead, because
// the mesh takes only a tls.Certificate and a root pool. It is safe for
// concurrent use.
type DevCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewDevCA loads the CA key and certificate from dir, or creates an ECDSA
// P-256 CA there (files mode 0600, directory 0700) when neither exists.
// It returns an error if only one of the two files exists or the stored
// CA has expired.
func NewDevCA(dir string) (*DevCA, error) {
	keyPath := filepath.Join(dir, devCAKeyFile)
	certPath := filepath.Join(dir, devCACertFile)

	keyPEM, keyErr := os.ReadFile(keyPath)
	certPEM, certErr := os.ReadFile(certPath)
	switch {
	case errors.Is(keyErr, fs.ErrNotExist) && errors.Is(certErr, fs.ErrNotExist):
		return createDevCA(dir, keyPath, certPath)
	case keyErr != nil:
		return nil, fmt.Errorf("read dev CA key: %w", keyErr)
	case certErr != nil:
		return nil, fmt.Errorf("read dev CA certificate: %w", certErr)
	}

	return parseDevCA(keyPEM, certPEM)
}

func createDevCA(dir, keyPath, certPath string) (*DevCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate dev CA key: %w", err)
	}

	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "servicelayer dev mesh CA"},
		NotBefore:             now.Add(-devClockSkew),
		NotAfter:              now.Add(devCALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create dev CA certificate: %w", err)
	}

	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode dev CA key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create dev CA directory: %w", err)
	}
	if err := writePEM(keyPath, "PRIVATE KEY", keyDER); err != nil {
		return nil, fmt.Errorf("write dev CA key: %w", err)
	}
	if err := writePEM(certPath, "CERTIFICATE", der); err != nil {
		return nil, fmt.Errorf("write dev CA certificate: %w", err)
	}

	return parseDevCA(pemBytes("PRIVATE KEY", keyDER), pemBytes("CERTIFICATE", der))
}

func parseDevCA(keyPEM, certPEM []byte) (*DevCA, error) {
	keyBlock, _ := pem.Decode(keyPEM)
	if keyBlock == nil || keyBlock.Type != "PRIVATE KEY" {
		return nil, errors.New("parse dev CA key: no PRIVATE KEY block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse dev CA key: %w", err)
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, errors.New("parse dev CA key: not an ECDSA P-256 key")
	}

	certBlock, _ := pem.Decode(certPEM)
	if certBlock == nil || certBlock.Type != "CERTIFICATE" {
		return nil, errors.New("parse dev CA certificate: no CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse dev CA certificate: %w", err)
	}
	if !cert.IsCA || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("dev CA certificate is not a CA for the stored key")
	}
	if time.Now().After(cert.NotAfter) {
		return nil, fmt.Errorf("dev CA expired at %s: delete its files to create a new one", cert.NotAfter)
	}

	return &DevCA{cert: cert, key: key}, nil
}

// Certificate returns the CA certificate.
func (ca *DevCA) Certificate() *x509.Certificate {
	return ca.cert
}

// Roots returns a new pool holding only the CA certificate.
func (ca *DevCA) Roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)

	return pool
}

// IssueCert issues a leaf certificate for service with a fresh ECDSA P-256
// key, valid for 24 hours, for both client and server authentication. It
// carries the identity URI spiffe://servicelayer/<service> and is valid for
// localhost, 127.0.0.1 and ::1.
func (ca *DevCA) IssueCert(service string) (tls.Certificate, error) {
	if err := ValidateServiceName(service); err != nil {
		return tls.Certificate{}, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate key for %s: %w", service, err)
	}

	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: service},
		NotBefore:    now.Add(-devClockSkew),
		NotAfter:     now.Add(devLeafLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		URIs:         []*url.URL{ServiceURI(service)},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue certificate for %s: %w", service, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate for %s: %w", service, err)
	}

	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("read random serial: %w", err)
	}

	return serial, nil
}

func pemBytes(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

func writePEM(path, blockType string, der []byte) error {
	return os.WriteFile(path, pemBytes(blockType, der), 0o600)
}
