// Package meshtest runs mesh servers and clients in tests of the services
// built on internal/mesh. It is for tests only.
package meshtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// Serve starts a mesh server with cfg on a loopback port, publishes its
// address in resolver under cfg.Service, and stops it when the test ends,
// failing the test if it did not stop cleanly.
func Serve(t testing.TB, cfg mesh.ServerConfig, resolver *mesh.StaticResolver) {
	t.Helper()
	srv, err := mesh.NewServer(cfg)
	require.NoError(t, err)
	addr, err := srv.Listen()
	require.NoError(t, err)
	require.NoError(t, resolver.Set(cfg.Service, addr.String()))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
}

// Client returns a mesh client with the identity of service, certified by
// ca, that finds upstreams in resolver.
func Client(t testing.TB, ca *mesh.DevCA, resolver mesh.Resolver, service string, mutate ...func(*mesh.ClientConfig)) *mesh.Client {
	t.Helper()
	cert, err := ca.IssueCert(service)
	require.NoError(t, err)
	cfg := mesh.ClientConfig{Service: service, Certificate: cert, Roots: ca.Roots(), Resolver: resolver}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := mesh.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}
