package devstack

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// meshEnv issues dev certificates and tracks where each service listens.
// Every service still gets its own certificate and loopback listener, so
// calls inside one process cross real mutual TLS.
type meshEnv struct {
	ca       *mesh.DevCA
	resolver mesh.Resolver
	// files is set when services publish their addresses in the data
	// directory, nil with DNS discovery.
	files   *fileResolver
	metrics *prometheus.Registry
}

func newMeshEnv(dataDir string) (*meshEnv, error) {
	ca, err := mesh.NewDevCA(filepath.Join(dataDir, "mesh"))
	if err != nil {
		return nil, fmt.Errorf("load dev mesh CA: %w", err)
	}
	files := &fileResolver{dir: addrDir(dataDir)}
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &meshEnv{ca: ca, resolver: files, files: files, metrics: metrics}, nil
}

// withDiscovery switches env to the Discovery template when one is set.
func (s *Stack) withDiscovery(env *meshEnv) (*meshEnv, error) {
	if s.cfg.Discovery == "" {
		return env, nil
	}
	r, err := mesh.NewTemplateResolver(s.cfg.Discovery)
	if err != nil {
		return nil, fmt.Errorf("invalid discovery template %q: %w", s.cfg.Discovery, err)
	}
	env.resolver, env.files = r, nil
	return env, nil
}

// client returns a mesh client with service's identity.
func (s *Stack) meshClient(service string) (*mesh.Client, error) {
	if m := s.cfg.Marble; m != nil && m.Service() == service {
		cfg := m.ClientConfig(s.mesh.resolver)
		cfg.Metrics = s.mesh.metrics
		cfg.Log = s.cfg.Log.With("component", "mesh", "service", service)
		return mesh.NewClient(cfg)
	}
	cert, err := s.mesh.ca.IssueCert(service)
	if err != nil {
		return nil, fmt.Errorf("issue %s certificate: %w", service, err)
	}
	return mesh.NewClient(mesh.ClientConfig{
		Service:     service,
		Certificate: cert,
		Roots:       s.mesh.ca.Roots(),
		Resolver:    s.mesh.resolver,
		Metrics:     s.mesh.metrics,
		Log:         s.cfg.Log.With("component", "mesh", "service", service),
	})
}

// meshServer builds service's mesh server, binds a loopback port and
// publishes the address to the other services.
func (s *Stack) meshServer(service string, endpoints []mesh.Endpoint) (*mesh.Server, error) {
	var cfg mesh.ServerConfig
	if m := s.cfg.Marble; m != nil && m.Service() == service {
		cfg = m.ServerConfig(endpoints)
	} else {
		cert, err := s.mesh.ca.IssueCert(service)
		if err != nil {
			return nil, fmt.Errorf("issue %s certificate: %w", service, err)
		}
		cfg = mesh.ServerConfig{Service: service, Certificate: cert, Roots: s.mesh.ca.Roots(), Endpoints: endpoints}
	}
	cfg.Metrics = s.mesh.metrics
	cfg.Log = s.cfg.Log.With("component", "mesh", "service", service)
	cfg.Addr = s.cfg.MeshAddr
	srv, err := mesh.NewServer(cfg)
	if err != nil {
		return nil, err
	}
	addr, err := srv.Listen()
	if err != nil {
		return nil, err
	}
	if s.mesh.files != nil {
		if err := s.mesh.files.publish(service, addr.String()); err != nil {
			return nil, err
		}
	}
	return srv, nil
}

// MeshAddr returns the loopback address service's mesh server listens on,
// or "" when it has none.
func (s *Stack) MeshAddr(service string) string {
	addr, err := s.mesh.resolver.Resolve(context.Background(), service)
	if err != nil {
		return ""
	}
	return addr
}

// MetricsHandler serves the Prometheus metrics of the stack's services
// (mesh calls and breakers, per route and caller) and of the Go runtime.
func (s *Stack) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.mesh.metrics, promhttp.HandlerOpts{})
}
