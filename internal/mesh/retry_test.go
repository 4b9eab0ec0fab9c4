package mesh

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/stretchr/testify/require"
)

func TestFullJitterCaps(t *testing.T) {
	policy := RetryPolicy{MaxAttempts: 5, InitialInterval: 10 * time.Millisecond, MaxInterval: 40 * time.Millisecond}
	j := newFullJitter(policy)
	j.random = func() float64 { return 0.999999 }

	var got []time.Duration
	for range 5 {
		got = append(got, j.NextBackOff().Round(time.Millisecond))
	}

	require.Equal(t, []time.Duration{
		10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond,
		40 * time.Millisecond, 40 * time.Millisecond,
	}, got)
}

func TestFullJitterDrawsFromZero(t *testing.T) {
	j := newFullJitter(RetryPolicy{MaxAttempts: 3, InitialInterval: time.Second, MaxInterval: time.Second})
	j.random = func() float64 { return 0 }

	require.Equal(t, time.Duration(0), j.NextBackOff())
	require.NotEqual(t, backoff.Stop, j.NextBackOff())
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "unreachable", err: &Error{Code: ErrUnreachable, Err: errors.New("refused")}, want: true},
		{name: "unreachable wrapped", err: fmt.Errorf("x: %w", &Error{Code: ErrUnreachable}), want: true},
		{
			name: "upstream certificate rejected",
			err:  &Error{Code: ErrUnreachable, Err: &peerIdentityError{want: "vrf", err: errors.New("x")}},
			want: false,
		},
		{name: "429", err: &Error{Status: http.StatusTooManyRequests, Code: "slow_down"}, want: true},
		{name: "502", err: &Error{Status: http.StatusBadGateway, Code: ErrBadResponse}, want: true},
		{name: "503", err: &Error{Status: http.StatusServiceUnavailable, Code: ErrUnavailable}, want: true},
		{name: "504", err: &Error{Status: http.StatusGatewayTimeout, Code: ErrTimeout}, want: true},
		{name: "500", err: &Error{Status: http.StatusInternalServerError, Code: ErrInternal}, want: false},
		{name: "409", err: &Error{Status: http.StatusConflict, Code: ErrIdempotencyInFlight}, want: false},
		{name: "deadline", err: &Error{Code: ErrDeadlineExceeded}, want: false},
		{name: "circuit open", err: &Error{Code: ErrCircuitOpen}, want: false},
		{name: "plain error", err: errors.New("x"), want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, retryable(tc.err))
		})
	}
}

func TestCallTimeout(t *testing.T) {
	c := &Client{cfg: ClientConfig{Timeout: 5 * time.Second, MaxTimeout: 60 * time.Second}}
	tests := []struct {
		name  string
		route time.Duration
		opt   time.Duration
		want  time.Duration
	}{
		{name: "client default", want: 5 * time.Second},
		{name: "route timeout", route: 2 * time.Second, want: 2 * time.Second},
		{name: "option beats route", route: 2 * time.Second, opt: 30 * time.Second, want: 30 * time.Second},
		{name: "capped by max", opt: 10 * time.Minute, want: 60 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.callTimeout(Route{Timeout: tc.route}, callOptions{timeout: tc.opt})
			require.Equal(t, tc.want, got)
		})
	}
}
