package enclave

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"
)

// activationKey is the key pair the marble activates with. Its
// self-signed certificate authenticates the gRPC connection (the quote
// binds it in SGX mode), and its CSR requests the
// marble's MarbleRun certificate from the coordinator.
type activationKey struct {
	tls tls.Certificate
	csr []byte
}

// newActivationKey generates a P-256 key, a self-signed certificate and a
// CSR, both for dnsNames and the loopback addresses.
func newActivationKey(dnsNames []string) (activationKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return activationKey{}, fmt.Errorf("generate activation key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return activationKey{}, fmt.Errorf("generate certificate serial: %w", err)
	}

	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "servicelayer marble"},
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return activationKey{}, fmt.Errorf("create activation certificate: %w", err)
	}

	csrTmpl := &x509.CertificateRequest{
		Subject:     pkix.Name{CommonName: "servicelayer marble"},
		DNSNames:    dnsNames,
		IPAddresses: ips,
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, csrTmpl, key)
	if err != nil {
		return activationKey{}, fmt.Errorf("create activation CSR: %w", err)
	}

	return activationKey{tls: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, csr: csr}, nil
}
