package mesh

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/trace"
)

// BreakerPolicy configures the circuit breaker kept for each upstream.
// Failures are attempts with no response, a timeout, or a 5xx response.
// Other responses, 4xx included, count as successes, except 429 and calls
// the caller canceled, which do not count at all.
type BreakerPolicy struct {
	// Failures is the number of consecutive failures that opens the
	// breaker (default 5). While open, calls fail at once with
	// circuit_open.
	Failures uint32
	// OpenTimeout is how long the breaker stays open before it lets trial
	// calls through, half-open (default 10s).
	OpenTimeout time.Duration
	// HalfOpenCalls is the number of trial calls allowed while half-open
	// (default 1). If they all succeed the breaker closes, and the first
	// failure opens it again.
	HalfOpenCalls uint32
}

func (p *BreakerPolicy) setDefaults() {
	if p.Failures == 0 {
		p.Failures = 5
	}
	if p.OpenTimeout == 0 {
		p.OpenTimeout = 10 * time.Second
	}
	if p.HalfOpenCalls == 0 {
		p.HalfOpenCalls = 1
	}
}

func (p BreakerPolicy) validate() error {
	if p.OpenTimeout < 0 {
		return errors.New("breaker: negative OpenTimeout")
	}

	return nil
}

// upstream is the per-service state of a Client.
type upstream struct {
	name        string
	http        *http.Client
	breaker     *gobreaker.CircuitBreaker[*attemptResult]
	spanOptions []trace.SpanStartOption
	// routes maps a route name to its *routeMetrics.
	routes sync.Map
}

// routeMetrics are the series of one upstream route, looked up once
// instead of on every call.
type routeMetrics struct {
	ok       prometheus.Counter
	attempts prometheus.Counter
	latency  prometheus.Observer
}

// routeMetrics returns the series of the route named routeName.
func (u *upstream) routeMetrics(m *clientMetrics, routeName string) *routeMetrics {
	if rm, ok := u.routes.Load(routeName); ok {
		return rm.(*routeMetrics)
	}

	rm := &routeMetrics{
		ok:       m.requests.WithLabelValues(u.name, routeName, outcomeOK),
		attempts: m.attempts.WithLabelValues(u.name, routeName),
		latency:  m.latency.WithLabelValues(u.name, routeName),
	}
	actual, _ := u.routes.LoadOrStore(routeName, rm)

	return actual.(*routeMetrics)
}

// attemptResult is one HTTP response, read in full.
type attemptResult struct {
	status      int
	contentType string
	body        []byte
}

// breakerState is the gauge value of a breaker state.
func breakerState(s gobreaker.State) float64 {
	switch s {
	case gobreaker.StateHalfOpen:
		return 1
	case gobreaker.StateOpen:
		return 2
	default:
		return 0
	}
}

func (c *Client) newBreaker(service string) *gobreaker.CircuitBreaker[*attemptResult] {
	p := c.cfg.Breaker
	gauge := c.metrics.breaker.WithLabelValues(service)
	gauge.Set(breakerState(gobreaker.StateClosed))

	return gobreaker.NewCircuitBreaker[*attemptResult](gobreaker.Settings{
		Name:        service,
		MaxRequests: p.HalfOpenCalls,
		Timeout:     p.OpenTimeout,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= p.Failures
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			gauge.Set(breakerState(to))
			level := c.log.Info
			if to == gobreaker.StateOpen {
				level = c.log.Warn
			}
			level("circuit breaker changed state", "upstream", name, "from", from.String(), "to", to.String())
		},
		IsExcluded: func(err error) bool {
			var me *Error
			return errors.As(err, &me) && (me.Code == ErrCanceled || me.Status == http.StatusTooManyRequests)
		},
	})
}
