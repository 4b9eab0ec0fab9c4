package demo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// ServerCA is the certificate authority of the HTTPS server the tour
// starts for the oracle steps. It lives in memory, or in the data
// directory when a dev cluster's processes share it, and only the dev
// oracle adds it to the roots it trusts. Its name
// constraints allow loopback addresses and localhost only, so a
// certificate it issued for any other host fails verification.
type ServerCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewServerCA creates a CA with a fresh P-256 key, valid for 7 days.
func NewServerCA() (*ServerCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate demo CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:                serial,
		Subject:                     pkix.Name{CommonName: "servicelayer dev demo CA"},
		NotBefore:                   now.Add(-time.Minute),
		NotAfter:                    now.Add(7 * 24 * time.Hour),
		KeyUsage:                    x509.KeyUsageCertSign,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost"},
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create demo CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse demo CA certificate: %w", err)
	}
	return &ServerCA{cert: cert, key: key}, nil
}

// Certificate returns the CA certificate, for a client's root pool.
func (ca *ServerCA) Certificate() *x509.Certificate {
	return ca.cert
}

// issue returns a server certificate for ip, valid for one day.
func (ca *ServerCA) issue(ip net.IP) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate demo server key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: ip.String()},
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{ip},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create demo server certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generate certificate serial: %w", err)
	}
	return serial, nil
}

// API paths of the demo server.
const (
	pathPrice   = "/v1/price"
	pathQuote   = "/v1/quote"
	pathStatus  = "/v1/status"
	pathHistory = "/v1/history"
	// apiKeyHeader carries the API key that pathQuote requires.
	apiKeyHeader = "X-Api-Key"
)

// priceDocument is the JSON body of pathPrice. Its prices have more
// digits than a float64 keeps, so the filter step shows they arrive
// unchanged.
const priceDocument = `{"pair":"NEO/GAS","sources":[` +
	`{"name":"alpha","price":4.1000000000000000055511},` +
	`{"name":"beta","price":4.12345678901234567890123}],"updated":1767225600}`

// quotePrice is the price pathQuote returns for every pair.
const quotePrice = "4.12345678"

// historyBytes is the size of the pathHistory response, over the oracle's
// default 64 KiB response cap.
const historyBytes = 80 << 10

// apiServer is an HTTPS API on 127.0.0.1 that the oracle steps fetch
// from. It counts the quote requests it accepted and rejected, so a step
// can tell that its API key arrived. It is safe for concurrent use.
type apiServer struct {
	srv     *http.Server
	baseURL string
	apiKey  string

	quotesAccepted atomic.Int64
	quotesRejected atomic.Int64
	historyServed  atomic.Int64
}

// startAPIServer serves the demo API on a free port of 127.0.0.1 with a
// certificate from ca. Quote requests must carry apiKey in the X-Api-Key
// header.
func startAPIServer(ca *ServerCA, apiKey string, log *slog.Logger) (*apiServer, error) {
	ip := net.IPv4(127, 0, 0, 1)
	cert, err := ca.issue(ip)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for demo API: %w", err)
	}

	a := &apiServer{baseURL: "https://" + ln.Addr().String(), apiKey: apiKey}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathPrice, a.price)
	mux.HandleFunc("POST "+pathQuote, a.quote)
	mux.HandleFunc("GET "+pathStatus, a.status)
	mux.HandleFunc("GET "+pathHistory, a.history)
	a.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}

	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	go func() {
		if err := a.srv.Serve(tlsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo API server stopped", "error", err)
		}
	}()
	return a, nil
}

// StartAPIServer starts the demo HTTPS API on a free port of 127.0.0.1,
// with a certificate from ca, for programs outside the tour such as
// benchmarks. It returns the URL of the price document, a JSON object
// whose sources[i].price fields are numbers, and a function that stops the
// server. The server's quote route requires a random API key, which
// StartAPIServer does not return.
func StartAPIServer(ca *ServerCA, log *slog.Logger) (priceURL string, stop func() error, err error) {
	apiKey, err := newAPIKey()
	if err != nil {
		return "", nil, err
	}
	a, err := startAPIServer(ca, apiKey, log)
	if err != nil {
		return "", nil, err
	}
	return a.url(pathPrice), a.Close, nil
}

// url returns the absolute URL of path on the server.
func (a *apiServer) url(path string) string {
	return a.baseURL + path
}

// Close stops the server and its connections.
func (a *apiServer) Close() error {
	return a.srv.Close()
}

func (a *apiServer) price(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, priceDocument)
}

// quote prices the pair and amount of a JSON body, for callers with the
// API key.
func (a *apiServer) quote(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get(apiKeyHeader)
	if subtle.ConstantTimeCompare([]byte(key), []byte(a.apiKey)) != 1 {
		a.quotesRejected.Add(1)
		http.Error(w, "missing or wrong API key", http.StatusUnauthorized)
		return
	}

	var in struct {
		Pair   string `json:"pair"`
		Amount string `json:"amount"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil || in.Pair == "" {
		a.quotesRejected.Add(1)
		http.Error(w, "body must be {\"pair\": ..., \"amount\": ...}", http.StatusBadRequest)
		return
	}
	a.quotesAccepted.Add(1)
	type quote struct {
		Pair   string `json:"pair"`
		Amount string `json:"amount"`
		Price  string `json:"price"`
	}
	out, err := json.Marshal(struct {
		Quote quote `json:"quote"`
	}{quote{Pair: in.Pair, Amount: in.Amount, Price: quotePrice}})
	if err != nil {
		http.Error(w, "encode quote", http.StatusInternalServerError)
		return
	}
	writeJSON(w, string(out))
}

// status returns plain text, which a JSON filter cannot read.
func (a *apiServer) status(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// history returns a JSON array of historyBytes bytes.
func (a *apiServer) history(w http.ResponseWriter, _ *http.Request) {
	a.historyServed.Add(1)
	entry := `{"price":"4.12345678"},`
	var b strings.Builder
	b.WriteString("[")
	for b.Len()+len(entry)+len(`{}]`) <= historyBytes {
		b.WriteString(entry)
	}
	b.WriteString(strings.Repeat(" ", historyBytes-b.Len()-len(`{}]`)))
	b.WriteString(`{}]`)
	writeJSON(w, b.String())
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}
