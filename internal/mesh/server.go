package mesh

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/net/netutil"
)

// HealthPath is the GET route every server serves to any verified mesh
// caller that sends X-Service-ID: 200 while serving, 503 when the Health
// check fails or the server is shutting down.
const HealthPath = "/healthz"

// tracerName names the mesh's tracer in the global tracer provider.
const tracerName = "github.com/neo-service-layer/servicelayer/internal/mesh"

// ServerConfig configures a Server.
type ServerConfig struct {
	// Service is this service's mesh identity. Required.
	Service string
	// Certificate is the server's certificate, issued for Service.
	// Required.
	Certificate tls.Certificate
	// Roots verify client certificates. Required.
	Roots *x509.CertPool
	// Endpoints are the routes served, each bound with Handle.
	Endpoints []Endpoint
	// Addr is the TCP address to listen on (default "127.0.0.1:0", a
	// free loopback port).
	Addr string
	// Identity extracts the caller's name from its certificate (default
	// SPIFFEIdentity).
	Identity IdentityFunc
	// Idempotency stores responses of calls with an Idempotency-Key
	// (default an in-memory store of DefaultMemoryStoreEntries keys).
	Idempotency IdempotencyStore
	// IdempotencyTTL is how long a response is replayed for a repeated
	// key (default 24h).
	IdempotencyTTL time.Duration
	// MaxBodyBytes caps request bodies (default 1 MiB).
	MaxBodyBytes int64
	// ReplayCacheEntries caps the signature nonces remembered (default
	// 100000). When it is full of live nonces, critical calls get 503.
	ReplayCacheEntries int
	// ShutdownTimeout bounds the wait for in-flight requests when Run's
	// context ends (default 10s).
	ShutdownTimeout time.Duration
	// MaxConnections caps the connections open at once, handshaking or
	// not (default 1024); more wait in the kernel's accept queue. It keeps
	// a flood of slow clients from using up the process's descriptors.
	MaxConnections int
	// Health reports whether the service can serve; nil means always.
	Health func(ctx context.Context) error
	// Metrics receives the server's series; nil keeps them unexported.
	Metrics prometheus.Registerer
	// Log receives lifecycle, rejection and handler error messages
	// (default: discarded).
	Log *slog.Logger
	// Now is the clock for signature freshness (default time.Now).
	Now func() time.Time
}

func (c *ServerConfig) setDefaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.Identity == nil {
		c.Identity = SPIFFEIdentity
	}
	if c.Idempotency == nil {
		c.Idempotency = NewMemoryStore(0)
	}
	if c.IdempotencyTTL == 0 {
		c.IdempotencyTTL = 24 * time.Hour
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.ReplayCacheEntries == 0 {
		c.ReplayCacheEntries = 100_000
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = 1024
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate checks the whole configuration and its route table.
func (c *ServerConfig) Validate() error {
	if err := ValidateServiceName(c.Service); err != nil {
		return fmt.Errorf("invalid mesh server config: %w", err)
	}
	if len(c.Certificate.Certificate) == 0 || c.Certificate.PrivateKey == nil {
		return errors.New("invalid mesh server config: certificate missing")
	}
	if c.Roots == nil {
		return errors.New("invalid mesh server config: roots missing")
	}
	if c.IdempotencyTTL < 0 || c.MaxBodyBytes < 0 || c.ReplayCacheEntries < 0 || c.ShutdownTimeout < 0 ||
		c.MaxConnections < 0 {
		return errors.New("invalid mesh server config: negative limit")
	}

	seen := make(map[string]bool, len(c.Endpoints))
	for _, ep := range c.Endpoints {
		if err := ep.Route.Validate(); err != nil {
			return fmt.Errorf("invalid mesh server config: %w", err)
		}
		if ep.handle == nil {
			return fmt.Errorf("invalid mesh server config: route %s has no handler: bind it with Handle", ep.Route.Name())
		}
		if seen[ep.Route.Name()] || ep.Route.Path == HealthPath {
			return fmt.Errorf("invalid mesh server config: route %s declared twice or reserved", ep.Route.Name())
		}
		seen[ep.Route.Name()] = true
	}

	return nil
}

// Server serves one service's routes over mutual TLS. Every request is
// authenticated by its client certificate, checked against X-Service-ID
// and the route's allowed callers, signature-checked on critical routes,
// de-duplicated by Idempotency-Key and bounded by the route's deadline.
// The response is JSON or a problem. It is safe for concurrent use.
type Server struct {
	cfg     ServerConfig
	log     *slog.Logger
	tls     *tls.Config
	tracer  trace.Tracer
	metrics *serverMetrics
	replay  *replayCache
	rejects *rejectLog
	http    *http.Server
	// endpoints maps "METHOD /path" to its endpoint; paths holds every
	// path, to tell 405 from 404.
	endpoints map[string]*Endpoint
	paths     map[string]bool
	draining  atomic.Bool

	mu       sync.Mutex // guards listener
	listener net.Listener

	waitMu sync.Mutex // guards waiting
	// waiting maps an idempotency store key claimed by this server to a
	// channel closed when its request finishes.
	waiting map[string]chan struct{}
}

// NewServer validates cfg and builds a server. It does not listen yet.
func NewServer(cfg ServerConfig) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	metrics, err := newServerMetrics(cfg.Metrics, cfg.Service)
	if err != nil {
		return nil, err
	}

	log := cfg.Log.With("component", "mesh", "service", cfg.Service)
	s := &Server{
		cfg:       cfg,
		log:       log,
		tls:       serverTLSConfig(cfg),
		tracer:    otel.Tracer(tracerName),
		metrics:   metrics,
		replay:    newReplayCache(cfg.ReplayCacheEntries),
		rejects:   newRejectLog(log),
		endpoints: make(map[string]*Endpoint, len(cfg.Endpoints)),
		paths:     make(map[string]bool, len(cfg.Endpoints)),
		waiting:   make(map[string]chan struct{}),
	}
	// The server keeps its own copy, so the caller's slice is never
	// written to.
	for _, ep := range slices.Clone(cfg.Endpoints) {
		ep.name = ep.Route.Name()
		s.endpoints[ep.name] = &ep
		s.paths[ep.Route.Path] = true
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		TLSConfig:         s.tls,
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies are at most MaxBodyBytes; a client that trickles one in
		// slower than this holds its connection no longer.
		ReadTimeout:    30 * time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}

	return s, nil
}

// serverTLSConfig requires TLS 1.3 and a client certificate that chains
// to the mesh roots and carries a mesh identity.
func serverTLSConfig(cfg ServerConfig) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cfg.Certificate},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    cfg.Roots,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("mesh: no client certificate")
			}
			_, err := cfg.Identity(cs.PeerCertificates[0])
			return err
		},
	}
}

// Listen binds the configured address, if Run has not already, and
// returns the bound address, from which callers learn the port when Addr
// has port 0.
func (s *Server) Listen() (net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.listener != nil {
		return s.listener.Addr(), nil
	}

	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.listener = netutil.LimitListener(l, s.cfg.MaxConnections)

	return l.Addr(), nil
}

// Addr returns the bound address, or nil before Listen or Run.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.listener == nil {
		return nil
	}

	return s.listener.Addr()
}

// Run listens (unless Listen already did) and serves until ctx ends, then
// shuts down gracefully: it stops accepting connections and waits up to
// ShutdownTimeout for in-flight requests before closing the rest. It
// returns nil after a shutdown caused by ctx, and the serve error
// otherwise. A Server runs once.
func (s *Server) Run(ctx context.Context) error {
	addr, err := s.Listen()
	if err != nil {
		return err
	}
	s.log.Info("mesh server listening", "addr", addr.String(), "routes", len(s.endpoints))

	served := make(chan error, 1)
	go func() {
		// ServeTLS takes the certificate and client checks from TLSConfig.
		// It also offers HTTP/2, which the mesh client does not use.
		served <- s.http.ServeTLS(s.listener, "", "")
	}()

	select {
	case err := <-served:
		return fmt.Errorf("serve mesh: %w", err)
	case <-ctx.Done():
	}

	s.draining.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("mesh shutdown timed out, closing connections", "error", err)
		_ = s.http.Close()
	}
	<-served
	s.log.Info("mesh server stopped")

	return nil
}
