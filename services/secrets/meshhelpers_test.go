package secrets_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/mesh/meshtest"
	"github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// meshFixture serves a fixture's service on a loopback mesh server with a
// dev CA. The server and every client log at debug level into meshLog,
// and the server keeps Idempotency-Key responses in store.
type meshFixture struct {
	*fixture
	ca       *mesh.DevCA
	resolver *mesh.StaticResolver
	meshLog  *syncBuffer
	store    *recordingStore
}

func newMeshFixture(t *testing.T) *meshFixture {
	t.Helper()
	ca, err := mesh.NewDevCA(t.TempDir())
	require.NoError(t, err)
	resolver, err := mesh.NewStaticResolver(nil)
	require.NoError(t, err)
	m := &meshFixture{
		fixture:  newFixture(t),
		ca:       ca,
		resolver: resolver,
		meshLog:  &syncBuffer{},
		store:    &recordingStore{inner: mesh.NewMemoryStore(0)},
	}
	m.serve(t)
	return m
}

func (m *meshFixture) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(m.meshLog, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// serve runs the service's endpoints on a mesh server until the test ends.
func (m *meshFixture) serve(t *testing.T) {
	t.Helper()
	cert, err := m.ca.IssueCert(api.ServiceName)
	require.NoError(t, err)
	meshtest.Serve(t, mesh.ServerConfig{
		Service:     api.ServiceName,
		Certificate: cert,
		Roots:       m.ca.Roots(),
		Endpoints:   m.svc.Endpoints(),
		Idempotency: m.store,
		Log:         m.logger(),
	}, m.resolver)
}

// meshClient returns a mesh client with the identity of service.
func (m *meshFixture) meshClient(t *testing.T, service string) *mesh.Client {
	t.Helper()
	return meshtest.Client(t, m.ca, m.resolver, service, func(cfg *mesh.ClientConfig) { cfg.Log = m.logger() })
}

// client returns a Secrets client with the identity of service.
func (m *meshFixture) client(t *testing.T, service string) *api.Client {
	t.Helper()
	return api.NewClient(m.meshClient(t, service))
}

// recordingStore is a mesh.IdempotencyStore that keeps a copy of every
// response it stores, so a test can check what the mesh retained.
type recordingStore struct {
	inner *mesh.MemoryStore

	mu sync.Mutex // guards stored
	// stored lists every response passed to Complete.
	stored []mesh.StoredResponse
}

var _ mesh.IdempotencyStore = (*recordingStore)(nil)

func (s *recordingStore) Reserve(ctx context.Context, key string, fingerprint [32]byte, lock time.Duration) (
	mesh.IdempotencyRecord, bool, error,
) {
	return s.inner.Reserve(ctx, key, fingerprint, lock)
}

func (s *recordingStore) Complete(ctx context.Context, key string, resp mesh.StoredResponse, ttl time.Duration) error {
	s.mu.Lock()
	s.stored = append(s.stored, resp)
	s.mu.Unlock()
	return s.inner.Complete(ctx, key, resp, ttl)
}

func (s *recordingStore) Release(ctx context.Context, key string) error {
	return s.inner.Release(ctx, key)
}

// responses returns a copy of every stored response.
func (s *recordingStore) responses() []mesh.StoredResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mesh.StoredResponse(nil), s.stored...)
}
