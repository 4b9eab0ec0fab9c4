package mesh

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"strings"
	"sync"
)

// ErrUnknownService is returned by a Resolver that has no address for a
// service.
var ErrUnknownService = errors.New("unknown service")

// Resolver finds the address of a service. The client resolves the
// upstream on every attempt, so a resolver may return a new address
// while the process runs.
type Resolver interface {
	// Resolve returns "host:port" for service, or an error wrapping
	// ErrUnknownService.
	Resolve(ctx context.Context, service string) (string, error)
}

// StaticResolver maps service names to fixed addresses, as the dev stack
// learns them when each server starts listening. It is safe for
// concurrent use.
type StaticResolver struct {
	mu    sync.RWMutex // guards addrs
	addrs map[string]string
}

var _ Resolver = (*StaticResolver)(nil)

// NewStaticResolver returns a resolver holding a copy of addrs, which maps
// a service name to "host:port".
func NewStaticResolver(addrs map[string]string) (*StaticResolver, error) {
	r := &StaticResolver{addrs: make(map[string]string, len(addrs))}
	for service, addr := range addrs {
		if err := r.Set(service, addr); err != nil {
			return nil, err
		}
	}

	return r, nil
}

// Set records or replaces the address of service.
func (r *StaticResolver) Set(service, addr string) error {
	if err := ValidateServiceName(service); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("address of %s: %w", service, err)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.addrs[service] = addr

	return nil
}

// Addrs returns a copy of the current map.
func (r *StaticResolver) Addrs() map[string]string {
	r.mu.RLock()
	defer r.mu.RUnlock()

	return maps.Clone(r.addrs)
}

// Resolve implements Resolver.
func (r *StaticResolver) Resolve(_ context.Context, service string) (string, error) {
	r.mu.RLock()
	addr, ok := r.addrs[service]
	r.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("resolve %s: %w", service, ErrUnknownService)
	}

	return addr, nil
}

// TemplateResolver derives a DNS address from the service name, for
// platforms such as Kubernetes where each service has a stable name. The
// connection dials that name, so DNS does the resolving.
type TemplateResolver struct {
	template string
}

var _ Resolver = TemplateResolver{}

// NewTemplateResolver returns a resolver that replaces the one %s in
// template with the service name, for example "%s.servicelayer.svc:8443".
// The result must be a host:port.
func NewTemplateResolver(template string) (TemplateResolver, error) {
	if strings.Count(template, "%") != 1 || strings.Count(template, "%s") != 1 {
		return TemplateResolver{}, fmt.Errorf("resolver template %q: want exactly one %%s and no other %%", template)
	}
	if _, _, err := net.SplitHostPort(strings.Replace(template, "%s", "x", 1)); err != nil {
		return TemplateResolver{}, fmt.Errorf("resolver template %q: %w", template, err)
	}

	return TemplateResolver{template: template}, nil
}

// Resolve implements Resolver. It checks only the service name; unknown
// names fail when dialled.
func (r TemplateResolver) Resolve(_ context.Context, service string) (string, error) {
	if r.template == "" {
		return "", errors.New("template resolver not built with NewTemplateResolver")
	}
	if err := ValidateServiceName(service); err != nil {
		return "", fmt.Errorf("resolve %s: %w: %w", service, ErrUnknownService, err)
	}

	return strings.Replace(r.template, "%s", service, 1), nil
}
