package demo

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServerCAVerifiesLoopbackOnly(t *testing.T) {
	ca, err := NewServerCA()
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())

	tests := []struct {
		name string
		ip   net.IP
		ok   bool
	}{
		{name: "ipv4 loopback", ip: net.IPv4(127, 0, 0, 1), ok: true},
		{name: "ipv6 loopback", ip: net.IPv6loopback, ok: true},
		{name: "private address", ip: net.IPv4(10, 0, 0, 1), ok: false},
		{name: "public address", ip: net.IPv4(8, 8, 8, 8), ok: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := ca.issue(tc.ip)
			require.NoError(t, err)
			leaf, err := x509.ParseCertificate(cert.Certificate[0])
			require.NoError(t, err)

			_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tc.ip.String()})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			var constraint x509.CertificateInvalidError
			require.ErrorAs(t, err, &constraint)
			require.Equal(t, x509.CANotAuthorizedForThisName, constraint.Reason)
		})
	}
}

// startTestAPIServer starts the demo API with apiKey and returns it with a
// client that trusts only its CA.
func startTestAPIServer(t *testing.T, apiKey string) (*apiServer, *http.Client) {
	t.Helper()
	ca, err := NewServerCA()
	require.NoError(t, err)
	srv, err := startAPIServer(ca, apiKey, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })

	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(transport.CloseIdleConnections)
	return srv, &http.Client{Transport: transport}
}

func TestAPIServerQuoteNeedsKey(t *testing.T) {
	srv, client := startTestAPIServer(t, "right-key")

	tests := []struct {
		name   string
		key    string
		status int
	}{
		{name: "right key", key: "right-key", status: http.StatusOK},
		{name: "wrong key", key: "wrong-key", status: http.StatusUnauthorized},
		{name: "no key", status: http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.url(pathQuote), strings.NewReader(`{"pair":"NEO/GAS","amount":"1"}`))
			require.NoError(t, err)
			if tc.key != "" {
				req.Header.Set(apiKeyHeader, tc.key)
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, "body %s", body)
			if tc.status == http.StatusOK {
				require.JSONEq(t, `{"quote":{"pair":"NEO/GAS","amount":"1","price":"4.12345678"}}`, string(body))
			}
		})
	}
	require.Equal(t, int64(1), srv.quotesAccepted.Load())
	require.Equal(t, int64(2), srv.quotesRejected.Load())
}

func TestAPIServerHistorySize(t *testing.T) {
	srv, client := startTestAPIServer(t, "k")

	resp, err := client.Get(srv.url(pathHistory))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Len(t, body, historyBytes)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.True(t, json.Valid(body), "history is valid JSON")
}

func TestStartAPIServerServesPrice(t *testing.T) {
	ca, err := NewServerCA()
	require.NoError(t, err)
	priceURL, stop, err := StartAPIServer(ca, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { stop() })

	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(transport.CloseIdleConnections)
	resp, err := (&http.Client{Transport: transport}).Get(priceURL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)

	require.True(t, strings.HasPrefix(priceURL, "https://127.0.0.1:"), "price URL %s", priceURL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, priceDocument, string(body))
	require.NoError(t, stop())
	_, err = (&http.Client{Transport: transport}).Get(priceURL)
	require.Error(t, err, "request after stop")
}
