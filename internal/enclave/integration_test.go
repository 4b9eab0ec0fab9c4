//go:build integration

package enclave_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/enclave"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// TestCoordinatorSimulation runs a real MarbleRun coordinator in
// simulation mode on loopback and activates marbles against it.
func TestCoordinatorSimulation(t *testing.T) {
	bin := buildCoordinator(t)
	coord := startCoordinator(t, bin)
	ctx := t.Context()

	t.Run("activation before manifest fails", func(t *testing.T) {
		_, err := enclave.Activate(ctx, marbleConfig(t, coord.meshAddr, "vrf", "vrf"))
		require.ErrorIs(t, err, enclave.ErrManifestNotSet)
		t.Logf("error: %v", err)
	})

	manifest, err := enclave.GenerateManifest(enclave.ManifestConfig{})
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, coord.api.SetManifest(ctx, manifest))
	t.Logf("timing: set manifest %s", time.Since(start).Round(time.Millisecond))
	status, err := coord.api.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, enclave.StateAcceptingMarbles, status.Code, status.Message)
	fingerprint, err := coord.api.ManifestFingerprint(ctx)
	require.NoError(t, err)
	sum := sha256.Sum256(manifest)
	require.Equal(t, hex.EncodeToString(sum[:]), fingerprint)

	vrf := activate(t, coord.meshAddr, "vrf")
	pool := activate(t, coord.meshAddr, "accountpool")

	t.Run("mesh certificates come from the coordinator", func(t *testing.T) {
		for _, m := range []*enclave.Marble{vrf, pool} {
			leaf := m.Certificate().Leaf
			require.Equal(t, []string{"spiffe://servicelayer/" + m.Service()}, urisOf(leaf))
			require.Equal(t, "MarbleRun Coordinator - Intermediate CA", leaf.Issuer.CommonName)
			_, err := leaf.Verify(x509.VerifyOptions{Roots: m.Roots(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			require.NoError(t, err)
			require.True(t, m.CoordinatorRoot().Equal(coord.api.Root()))
		}
		require.NotEqual(t, vrf.UUID(), pool.UUID())
	})

	runs := &atomic.Int64{}
	poolAddr := startPoolServer(t, pool, runs)
	resolver, err := mesh.NewStaticResolver(map[string]string{"accountpool": poolAddr})
	require.NoError(t, err)

	t.Run("vrf calls accountpool", func(t *testing.T) {
		client := newClient(t, vrf.ClientConfig(resolver))
		var out callerOut
		start := time.Now()
		require.NoError(t, client.Call(ctx, "accountpool", poolapi.RouteSign, struct{}{}, &out))
		t.Logf("timing: first mesh call (handshake, signed route) %s", time.Since(start).Round(time.Millisecond))
		require.Equal(t, "vrf", out.Caller)
		require.Equal(t, int64(1), runs.Load())
	})

	t.Run("caller not in route is denied", func(t *testing.T) {
		// accountpool's own certificate is valid, but no route lists
		// accountpool as a caller.
		client := newClient(t, pool.ClientConfig(resolver))
		err := client.Call(ctx, "accountpool", poolapi.RouteLease, struct{}{}, nil)
		require.ErrorIs(t, err, mesh.ErrCallerNotAllowed)
	})

	t.Run("certificate from another CA calls nothing", func(t *testing.T) {
		ca, err := mesh.NewDevCA(t.TempDir())
		require.NoError(t, err)
		forged, err := ca.IssueCert("vrf")
		require.NoError(t, err)
		cfg := vrf.ClientConfig(resolver)
		cfg.Certificate = forged

		before := runs.Load()
		for _, route := range poolapi.Routes() {
			// A new client per route, so that a circuit breaker opened by
			// an earlier failure cannot reject the call before the server.
			client := newClient(t, cfg)
			err := client.Call(ctx, "accountpool", route, struct{}{}, nil, mesh.WithIdempotencyKey("forged-1"))
			// The mesh client offers only a certificate from a CA the
			// server lists, so it sends none.
			require.ErrorContains(t, err, "remote error: tls: certificate required", route.Name())
		}

		// A client that presents the forged certificate anyway fails the
		// server's chain check.
		for _, route := range poolapi.Routes() {
			err := forcedCertCall(t, poolAddr, forged, route)
			require.ErrorContains(t, err, "remote error: tls: unknown certificate authority", route.Name())
		}
		require.Equal(t, before, runs.Load(), "a handler ran for a forged certificate")
	})

	t.Run("marble certificate is no mesh identity", func(t *testing.T) {
		cfg := vrf.ClientConfig(resolver)
		cfg.Certificate = vrf.MarbleCertificate()
		client := newClient(t, cfg)

		before := runs.Load()
		err := client.Call(ctx, "accountpool", poolapi.RouteLease, struct{}{}, nil)
		require.ErrorContains(t, err, "remote error: tls: bad certificate")
		require.Equal(t, before, runs.Load())
	})

	t.Run("unknown marble type is rejected", func(t *testing.T) {
		_, err := enclave.Activate(ctx, marbleConfig(t, coord.meshAddr, "gateway", "gateway"))
		require.ErrorIs(t, err, enclave.ErrActivationRejected)
		require.ErrorContains(t, err, "unknown marble type")
		t.Logf("error: %v", err)
	})

	t.Run("type other than the service fails", func(t *testing.T) {
		_, err := enclave.Activate(ctx, marbleConfig(t, coord.meshAddr, "vrf", "accountpool"))
		require.ErrorContains(t, err, `EDG_MARBLE_TYPE is "accountpool" but this process runs "vrf"`)
	})

	t.Run("coordinator down", func(t *testing.T) {
		cfg := marbleConfig(t, closedAddr(t), "vrf", "vrf")
		cfg.Timeout = time.Second
		_, err := enclave.Activate(ctx, cfg)
		require.ErrorIs(t, err, enclave.ErrCoordinatorUnreachable)
		t.Logf("error: %v", err)
	})

	t.Run("marble waits for a restarting coordinator", func(t *testing.T) {
		coord.stop()
		type result struct {
			m   *enclave.Marble
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := enclave.Activate(ctx, marbleConfig(t, coord.meshAddr, "vrf", "vrf"))
			done <- result{m: m, err: err}
		}()
		time.Sleep(500 * time.Millisecond)

		// The sealed state brings the manifest and secrets back.
		restart := time.Now()
		coord.start(t, enclave.StateAcceptingMarbles)
		res := <-done
		require.NoError(t, res.err)
		t.Logf("timing: activation done %s after the coordinator restarted", time.Since(restart).Round(time.Millisecond))
		before, err := vrf.Secret("vrf_key")
		require.NoError(t, err)
		after, err := res.m.Secret("vrf_key")
		require.NoError(t, err)
		require.Equal(t, before, after)
	})

	t.Run("restart keeps uuid and secrets", func(t *testing.T) {
		cfg := marbleConfig(t, coord.meshAddr, "vrf", "vrf")
		first, err := enclave.Activate(ctx, cfg)
		require.NoError(t, err)
		second, err := enclave.Activate(ctx, cfg)
		require.NoError(t, err)

		require.Equal(t, first.UUID(), second.UUID())
		a, err := first.Secret("signing_key")
		require.NoError(t, err)
		b, err := second.Secret("signing_key")
		require.NoError(t, err)
		require.Equal(t, a, b)
		c, err := vrf.Secret("signing_key")
		require.NoError(t, err)
		require.Equal(t, a, c, "replicas of one service share its secrets")
	})
}

type callerOut struct {
	Caller string `json:"caller"`
}

// closedAddr returns a loopback address nothing listens on, at least for
// a moment.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	return addr
}

func marbleConfig(t *testing.T, coordAddr, service, marbleType string) enclave.Config {
	t.Helper()
	env := map[string]string{
		enclave.EnvCoordinatorAddr: coordAddr,
		enclave.EnvMarbleType:      marbleType,
		enclave.EnvUUIDFile:        filepath.Join(t.TempDir(), "uuid"),
		enclave.EnvDNSNames:        "localhost",
	}

	return enclave.Config{
		Service: service,
		Getenv:  func(key string) string { return env[key] },
		Timeout: 10 * time.Second,
		Log:     testLogger(t),
	}
}

func activate(t *testing.T, coordAddr, service string) *enclave.Marble {
	t.Helper()
	start := time.Now()
	m, err := enclave.Activate(t.Context(), marbleConfig(t, coordAddr, service, service))
	require.NoError(t, err)
	t.Logf("timing: activate %s %s", service, time.Since(start).Round(time.Millisecond))
	require.Equal(t, service, m.Service())
	require.True(t, m.Simulation())

	return m
}

// startPoolServer serves accountpool's lease and sign routes with a
// handler that returns the verified caller.
func startPoolServer(t *testing.T, pool *enclave.Marble, runs *atomic.Int64) string {
	t.Helper()
	handler := func(_ context.Context, req *mesh.Request, _ struct{}) (callerOut, error) {
		runs.Add(1)
		return callerOut{Caller: req.Caller}, nil
	}
	cfg := pool.ServerConfig([]mesh.Endpoint{
		mesh.Handle(poolapi.RouteLease, handler),
		mesh.Handle(poolapi.RouteSign, handler),
	})
	cfg.Log = testLogger(t)
	srv, err := mesh.NewServer(cfg)
	require.NoError(t, err)
	addr, err := srv.Listen()
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})

	return addr.String()
}

// forcedCertCall sends one request to route on addr, presenting cert
// whatever CAs the server accepts.
func forcedCertCall(t *testing.T, addr string, cert tls.Certificate, route mesh.Route) error {
	t.Helper()
	transport := &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: true,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &cert, nil
		},
	}}
	defer transport.CloseIdleConnections()

	req, err := http.NewRequestWithContext(t.Context(), route.Method, "https://"+addr+route.Path, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("X-Service-ID", "vrf")
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()

	return fmt.Errorf("request succeeded with status %s", resp.Status)
}

func urisOf(cert *x509.Certificate) []string {
	var uris []string
	for _, u := range cert.URIs {
		uris = append(uris, u.String())
	}

	return uris
}

func newClient(t *testing.T, cfg mesh.ClientConfig) *mesh.Client {
	t.Helper()
	cfg.Log = testLogger(t)
	client, err := mesh.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)

	return client
}
