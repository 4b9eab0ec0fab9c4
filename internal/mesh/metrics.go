package mesh

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// latencyBuckets span 100 µs (a warm loopback call) to the maximum call
// deadline, in seconds.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
}

// outcomeOK labels successful requests in place of a problem code.
const outcomeOK = "ok"

// serverMetrics are the Prometheus series of one Server, labelled with its
// service name.
type serverMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newServerMetrics(reg prometheus.Registerer, service string) (*serverMetrics, error) {
	reg = serviceRegisterer(reg, service)
	m := &serverMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mesh_server_requests_total",
			Help: "Mesh requests served, by route, verified caller and result code (ok or a problem code).",
		}, []string{"route", "caller", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mesh_server_errors_total",
			Help: "Mesh requests that got a problem response, by route and problem code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mesh_server_request_duration_seconds",
			Help:    "Time from request headers to response, by route.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
	}

	var err error
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.errors, err = register(reg, m.errors); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}

	return m, nil
}

// clientMetrics are the Prometheus series of one Client, labelled with its
// service name.
type clientMetrics struct {
	requests *prometheus.CounterVec
	attempts *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	breaker  *prometheus.GaugeVec
}

func newClientMetrics(reg prometheus.Registerer, service string) (*clientMetrics, error) {
	reg = serviceRegisterer(reg, service)
	m := &clientMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mesh_client_requests_total",
			Help: "Mesh calls made, by upstream, route and outcome (ok or a problem code).",
		}, []string{"upstream", "route", "outcome"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mesh_client_attempts_total",
			Help: "HTTP attempts sent for mesh calls, retries included, by upstream and route.",
		}, []string{"upstream", "route"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mesh_client_request_duration_seconds",
			Help:    "Duration of mesh calls, retries included, by upstream and route.",
			Buckets: latencyBuckets,
		}, []string{"upstream", "route"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mesh_client_breaker_state",
			Help: "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
		}, []string{"upstream"}),
	}

	var err error
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.attempts, err = register(reg, m.attempts); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	if m.breaker, err = register(reg, m.breaker); err != nil {
		return nil, err
	}

	return m, nil
}

// serviceRegisterer labels every series with the service name, so the
// servers and clients of several services can share one registry. A nil
// reg gets a private registry that nothing exports.
func serviceRegisterer(reg prometheus.Registerer, service string) prometheus.Registerer {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}

	return prometheus.WrapRegistererWith(prometheus.Labels{"service": service}, reg)
}

// register registers c, or returns the collector already registered under
// the same description, so that a service restarted in the same process
// keeps counting on its existing series.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}

	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}

	var zero C
	return zero, fmt.Errorf("register mesh metrics: %w", err)
}
