package mesh

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy configures retries of idempotent calls and of calls that
// carry an Idempotency-Key. Other calls are sent once.
type RetryPolicy struct {
	// MaxAttempts is the most attempts per call, the first included
	// (default 3; 1 disables retries).
	MaxAttempts int
	// InitialInterval caps the first wait (default 50ms). Each wait is
	// drawn uniformly from zero to a cap that doubles per retry ("full
	// jitter"), so callers that failed together do not retry together.
	InitialInterval time.Duration
	// MaxInterval is the largest cap (default 1s).
	MaxInterval time.Duration
}

func (p *RetryPolicy) setDefaults() {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.InitialInterval == 0 {
		p.InitialInterval = 50 * time.Millisecond
	}
	if p.MaxInterval == 0 {
		p.MaxInterval = time.Second
	}
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 1 || p.InitialInterval <= 0 || p.MaxInterval < p.InitialInterval {
		return errors.New("retry: want MaxAttempts >= 1 and 0 < InitialInterval <= MaxInterval")
	}

	return nil
}

// fullJitter is a backoff.BackOff that waits a uniform random time between
// zero and an exponentially growing cap.
type fullJitter struct {
	caps   *backoff.ExponentialBackOff
	random func() float64
}

var _ backoff.BackOff = (*fullJitter)(nil)

func newFullJitter(p RetryPolicy) *fullJitter {
	caps := backoff.NewExponentialBackOff()
	caps.InitialInterval = p.InitialInterval
	caps.MaxInterval = p.MaxInterval
	caps.Multiplier = 2
	// Without randomization the exponential backoff yields the caps
	// themselves; fullJitter draws below them.
	caps.RandomizationFactor = 0

	return &fullJitter{caps: caps, random: rand.Float64}
}

// NextBackOff implements backoff.BackOff.
func (j *fullJitter) NextBackOff() time.Duration {
	limit := j.caps.NextBackOff()
	if limit == backoff.Stop {
		return backoff.Stop
	}

	return time.Duration(j.random() * float64(limit))
}

// Reset implements backoff.BackOff.
func (j *fullJitter) Reset() {
	j.caps.Reset()
}

// retryable reports whether a failed attempt may be repeated: no response
// arrived (except when the upstream's certificate was rejected), or the
// upstream responded with 429, 502, 503 or 504.
func retryable(err error) bool {
	var me *Error
	if !errors.As(err, &me) {
		return false
	}

	if me.Code == ErrUnreachable {
		var pe *peerIdentityError
		return !errors.As(err, &pe)
	}

	switch me.Status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	default:
		return false
	}
}
