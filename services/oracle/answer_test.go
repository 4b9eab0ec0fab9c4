package oracle

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/result"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// secretsServer serves the Secrets resolve route on a loopback mesh
// server from a map of name to value, or fails every resolve with err. It
// records the requests it gets and the callers the mesh verified.
type secretsServer struct {
	values map[string]string
	err    error

	ca       *mesh.DevCA
	resolver *mesh.StaticResolver

	mu      sync.Mutex // guards reqs and callers
	reqs    []secretsapi.ResolveRequest
	callers []string
}

func newSecretsServer(t *testing.T, values map[string]string, err error) *secretsServer {
	t.Helper()
	ca, caErr := mesh.NewDevCA(t.TempDir())
	require.NoError(t, caErr)
	resolver, resolverErr := mesh.NewStaticResolver(nil)
	require.NoError(t, resolverErr)
	s := &secretsServer{values: values, err: err, ca: ca, resolver: resolver}

	cert, certErr := ca.IssueCert(secretsapi.ServiceName)
	require.NoError(t, certErr)
	srv, srvErr := mesh.NewServer(mesh.ServerConfig{
		Service:     secretsapi.ServiceName,
		Certificate: cert,
		Roots:       ca.Roots(),
		Endpoints:   []mesh.Endpoint{mesh.Handle(secretsapi.RouteResolve, s.resolve)},
	})
	require.NoError(t, srvErr)
	addr, listenErr := srv.Listen()
	require.NoError(t, listenErr)
	require.NoError(t, resolver.Set(secretsapi.ServiceName, addr.String()))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return s
}

func (s *secretsServer) resolve(_ context.Context, req *mesh.Request, in secretsapi.ResolveRequest) (
	secretsapi.ResolveResponse, error,
) {
	s.mu.Lock()
	s.reqs = append(s.reqs, in)
	s.callers = append(s.callers, req.Caller)
	s.mu.Unlock()
	if s.err != nil {
		return secretsapi.ResolveResponse{}, s.err
	}
	v, ok := s.values[in.Name]
	if !ok {
		return secretsapi.ResolveResponse{}, mesh.NewError(http.StatusForbidden, secretsapi.ErrDenied, "no such secret")
	}
	return secretsapi.ResolveResponse{Value: []byte(v), Version: 1}, nil
}

// client returns a Secrets client with the oracle's mesh identity.
func (s *secretsServer) client(t *testing.T) *secretsapi.Client {
	t.Helper()
	return s.clientWith(t, s.resolver)
}

// clientWith returns a Secrets client that finds services through
// resolver.
func (s *secretsServer) clientWith(t *testing.T, resolver mesh.Resolver) *secretsapi.Client {
	t.Helper()
	cert, err := s.ca.IssueCert(ServiceName)
	require.NoError(t, err)
	c, err := mesh.NewClient(mesh.ClientConfig{
		Service:     ServiceName,
		Certificate: cert,
		Roots:       s.ca.Roots(),
		Resolver:    resolver,
	})
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return secretsapi.NewClient(c)
}

func (s *secretsServer) requests() ([]secretsapi.ResolveRequest, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]secretsapi.ResolveRequest(nil), s.reqs...), append([]string(nil), s.callers...)
}

func TestAnswerFetchesForRequester(t *testing.T) {
	s := newOracleServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "k-123" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		jsonHandler(`{"price":4.1000000000000000055511}`)(w, r)
	})
	secrets := newSecretsServer(t, map[string]string{"apikey": "k-123"}, nil)
	a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, nil), NewMeshSecrets(secrets.client(t), nil))
	require.NoError(t, err)
	requester := util.Uint160{7, 7}
	payload := payloadFor(`"url":"`+s.url("/p")+`"`, `"headers":{"X-Api-Key":"{{secret:apikey}}"}`,
		`"filter":"$.price"`, withOwner())

	code, res, err := a.Answer(context.Background(), responder.Request{ID: 3, Requester: requester, Payload: payload})
	require.NoError(t, err)
	require.Equal(t, result.Success, code, "reason %s", res)
	require.Equal(t, `[4.1000000000000000055511]`, string(res))
	reqs, callers := secrets.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, requester, reqs[0].Contract, "resolve acts for the requester")
	require.Equal(t, testOwner, reqs[0].Owner)
	require.Equal(t, "apikey", reqs[0].Name)
	require.Equal(t, secretsapi.Latest, reqs[0].Version)
	require.Equal(t, []string{ServiceName}, callers)
}

func TestAnswerDeniedSecret(t *testing.T) {
	tests := []struct {
		name string
		code mesh.Code
	}{
		{name: "denied", code: secretsapi.ErrDenied},
		{name: "not found", code: secretsapi.ErrNotFound},
		{name: "latest deleted", code: secretsapi.ErrLatestDeleted},
		{name: "undecryptable", code: secretsapi.ErrUndecryptable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newOracleServer(t, jsonHandler(`{}`))
			secrets := newSecretsServer(t, nil, mesh.NewError(http.StatusForbidden, tc.code, "oracle is not on the access list"))
			a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, nil), NewMeshSecrets(secrets.client(t), nil))
			require.NoError(t, err)
			payload := payloadFor(`"url":"`+s.url("/?k={{secret:apikey@2}}")+`"`, withOwner())

			code, res, err := a.Answer(context.Background(), responder.Request{ID: 1, Requester: util.Uint160{1}, Payload: payload})
			require.NoError(t, err)
			require.Equal(t, result.SecretDenied, code)
			require.Equal(t, "secret denied: apikey@2", string(res), "the reason leaves out the access list")
			reqs, _ := secrets.requests()
			require.Len(t, reqs, 1, "a denial is not retried")
			last, _ := s.lastRequest()
			require.Nil(t, last, "no request sent")
		})
	}
}

func TestAnswerRetriesUnreachableSecrets(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	secrets := newSecretsServer(t, nil, nil)
	// An empty resolver has no address for the Secrets service, as when
	// it has not started yet.
	empty, err := mesh.NewStaticResolver(nil)
	require.NoError(t, err)
	client := secrets.clientWith(t, empty)
	a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, nil), NewMeshSecrets(client, nil))
	require.NoError(t, err)
	payload := payloadFor(`"url":"`+s.url("/?k={{secret:apikey}}")+`"`, withOwner())

	_, _, err = a.Answer(context.Background(), responder.Request{ID: 9, Requester: util.Uint160{1}, Payload: payload})
	require.ErrorIs(t, err, mesh.ErrUnknownService)
	require.NotErrorIs(t, err, ErrSecretDenied)
	require.ErrorContains(t, err, "request 9")
}

func TestAnswerWithoutSecretsDenies(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, nil), nil)
	require.NoError(t, err)
	payload := payloadFor(`"url":"`+s.url("/?k={{secret:apikey}}")+`"`, withOwner())

	code, _, err := a.Answer(context.Background(), responder.Request{ID: 2, Requester: util.Uint160{1}, Payload: payload})
	require.NoError(t, err)
	require.Equal(t, result.SecretDenied, code)
}

func TestAnswerCanceledContextIsError(t *testing.T) {
	s := newOracleServer(t, jsonHandler(`{}`))
	a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, nil), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, _, err = a.Answer(ctx, responder.Request{ID: 4, Requester: util.Uint160{1}, Payload: payloadFor(`"url":"` + s.url("/") + `"`)})
	require.ErrorIs(t, err, context.Canceled)
}

func TestAnswerLogsNoSecretValue(t *testing.T) {
	var logs syncLog
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newOracleServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	const value = "value-that-must-stay-hidden"
	secrets := newSecretsServer(t, map[string]string{"apikey": value}, nil)
	a, err := NewAnswerer(newTestFetcher(t, s, egress.Config{}, log), NewMeshSecrets(secrets.client(t), log))
	require.NoError(t, err)

	used := payloadFor(`"url":"`+s.url("/?k={{secret:apikey}}")+`"`, `"headers":{"X-Key":"{{secret:apikey}}"}`, withOwner())
	code, res, err := a.Answer(context.Background(), responder.Request{ID: 5, Requester: util.Uint160{1}, Payload: used})
	require.NoError(t, err)
	require.Equal(t, result.Error, code)
	require.NotContains(t, string(res), value)
	req, _ := s.lastRequest()
	require.Equal(t, value, req.Header.Get("X-Key"), "the value reached the server")

	denied := payloadFor(`"url":"`+s.url("/?k={{secret:gone}}")+`"`, withOwner())
	code, _, err = a.Answer(context.Background(), responder.Request{ID: 6, Requester: util.Uint160{1}, Payload: denied})
	require.NoError(t, err)
	require.Equal(t, result.SecretDenied, code)

	require.Contains(t, logs.String(), "oracle request failed")
	require.Contains(t, logs.String(), "secret resolve denied")
	require.NotContains(t, logs.String(), value)
}

// syncLog is a bytes.Buffer safe for concurrent writers.
type syncLog struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
