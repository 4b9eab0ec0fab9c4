package enclave

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Coordinator states reported by CoordinatorStatus.Code (MarbleRun v1.9.1).
const (
	StateRecovery          = 1
	StateAcceptingManifest = 2
	StateAcceptingMarbles  = 3
)

// maxCoordinatorResponseBytes caps a response of the client API.
const maxCoordinatorResponseBytes = 4 << 20

// Coordinator is a client of a MarbleRun coordinator's client API (the
// HTTPS API on EDG_COORDINATOR_CLIENT_ADDR, version 2). It is safe for
// concurrent use.
type Coordinator struct {
	base string
	root *x509.Certificate
	http *http.Client
}

// CoordinatorStatus is the coordinator's state: see the State constants.
type CoordinatorStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// NewCoordinator returns a client of the coordinator at addr (host:port)
// that trusts root. With a nil root it fetches the coordinator's
// certificate chain from the API and trusts the root found there.
//
// NOTE: with a nil root nothing proves that the server is a genuine
// coordinator. In SGX mode its quote would prove it, but this package
// does not verify quotes, so pass the root for anything but local tests.
func NewCoordinator(ctx context.Context, addr string, root *x509.Certificate) (*Coordinator, error) {
	c := &Coordinator{base: "https://" + addr, root: root}
	if root == nil {
		fetched, err := fetchRoot(ctx, c.base)
		if err != nil {
			return nil, err
		}
		c.root = fetched
	}

	roots := x509.NewCertPool()
	roots.AddCert(c.root)
	c.http = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: chainOnlyTLS(roots)},
	}

	return c, nil
}

// chainOnlyTLS verifies the server's chain against roots but not its host
// name: the coordinator's certificate names its DNS names, while
// operators often reach it by address.
func chainOnlyTLS(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyChain(cs.PeerCertificates, roots)
		},
	}
}

func verifyChain(certs []*x509.Certificate, roots *x509.CertPool) error {
	if len(certs) == 0 {
		return errors.New("coordinator sent no certificate")
	}
	intermediates := x509.NewCertPool()
	for _, cert := range certs[1:] {
		intermediates.AddCert(cert)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates})

	return err
}

// fetchRoot reads the certificate chain the coordinator publishes and
// returns its self-signed root, after checking that the server's own TLS
// certificate chains to it.
func fetchRoot(ctx context.Context, base string) (*x509.Certificate, error) {
	var peer []*x509.Certificate
	transport := &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			peer = cs.PeerCertificates
			return nil
		},
	}}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: 30 * time.Second, Transport: transport}

	var quote struct {
		Cert string `json:"cert"`
	}
	if err := call(ctx, client, http.MethodGet, base+"/api/v2/quote", nil, &quote); err != nil {
		return nil, fmt.Errorf("fetch coordinator certificate: %w", err)
	}
	certs, err := parseCertificates([]byte(quote.Cert))
	if err != nil {
		return nil, fmt.Errorf("coordinator certificate chain: %w", err)
	}

	for _, cert := range certs {
		if cert.IsCA && cert.CheckSignatureFrom(cert) == nil {
			roots := x509.NewCertPool()
			roots.AddCert(cert)
			if err := verifyChain(peer, roots); err != nil {
				return nil, fmt.Errorf("coordinator TLS certificate does not chain to its published root: %w", err)
			}
			return cert, nil
		}
	}

	return nil, errors.New("coordinator certificate chain has no self-signed root")
}

// Root returns the coordinator root certificate the client trusts.
func (c *Coordinator) Root() *x509.Certificate { return c.root }

// Status returns the coordinator's state.
func (c *Coordinator) Status(ctx context.Context) (CoordinatorStatus, error) {
	var st CoordinatorStatus
	if err := call(ctx, c.http, http.MethodGet, c.base+"/api/v2/status", nil, &st); err != nil {
		return CoordinatorStatus{}, fmt.Errorf("coordinator status: %w", err)
	}

	return st, nil
}

// SetManifest sets the coordinator's first manifest. The coordinator
// accepts it only while its state is StateAcceptingManifest (or
// StateRecovery) and checks it before it is stored.
func (c *Coordinator) SetManifest(ctx context.Context, manifest []byte) error {
	body, err := json.Marshal(struct {
		Manifest []byte `json:"manifest"`
	}{Manifest: manifest})
	if err != nil {
		return fmt.Errorf("encode manifest request: %w", err)
	}
	if err := call(ctx, c.http, http.MethodPost, c.base+"/api/v2/manifest", body, nil); err != nil {
		return fmt.Errorf("set manifest: %w", err)
	}

	return nil
}

// ManifestFingerprint returns the hex SHA-256 of the manifest the
// coordinator runs, as it reports it.
func (c *Coordinator) ManifestFingerprint(ctx context.Context) (string, error) {
	var resp struct {
		Fingerprint string `json:"manifestFingerprint"`
	}
	if err := call(ctx, c.http, http.MethodGet, c.base+"/api/v2/manifest", nil, &resp); err != nil {
		return "", fmt.Errorf("get manifest: %w", err)
	}

	return resp.Fingerprint, nil
}

// CloseIdleConnections closes the client's idle connections.
func (c *Coordinator) CloseIdleConnections() {
	c.http.CloseIdleConnections()
}

// jsend is the envelope of every client API response.
type jsend struct {
	Status  string          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
}

// call sends one request and decodes the envelope's data into out, which
// may be nil. An error response becomes an error with the coordinator's
// message.
func call(ctx context.Context, client *http.Client, method, url string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxCoordinatorResponseBytes))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}

	var env jsend
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s: response is not JSON (%d bytes)", resp.Status, len(raw))
	}
	if env.Status != "success" || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("coordinator returned %s: %s", resp.Status, env.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("decode response data: %w", err)
	}

	return nil
}
