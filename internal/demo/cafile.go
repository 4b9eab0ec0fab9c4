package demo

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

const (
	caCertFile = "demo-ca.crt"
	caKeyFile  = "demo-ca.key"
)

// LoadOrCreateServerCA reads the demo CA from dir, or creates one there
// (files 0600) when it is missing or expires within a day. Processes of a
// dev cluster share it this way: the oracle trusts it and the demo tour
// issues its server certificate from it. It is a development CA only.
func LoadOrCreateServerCA(dir string) (*ServerCA, error) {
	ca, err := loadServerCA(dir)
	if err == nil && time.Until(ca.cert.NotAfter) > 24*time.Hour {
		return ca, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	ca, err = NewServerCA()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create demo CA dir: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("encode demo CA key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
	if err := os.WriteFile(filepath.Join(dir, caKeyFile), keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("write demo CA key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, caCertFile), certPEM, 0o600); err != nil {
		return nil, fmt.Errorf("write demo CA certificate: %w", err)
	}
	return ca, nil
}

func loadServerCA(dir string) (*ServerCA, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, caCertFile))
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, caKeyFile))
	if err != nil {
		return nil, err
	}
	certBlock, _ := pem.Decode(certPEM)
	keyBlock, _ := pem.Decode(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, fmt.Errorf("demo CA in %s is not PEM: delete %s and %s to make a new one", dir, caCertFile, caKeyFile)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse demo CA certificate in %s: %w", dir, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse demo CA key in %s: %w", dir, err)
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("demo CA key in %s is not ECDSA", dir)
	}
	return &ServerCA{cert: cert, key: key}, nil
}
