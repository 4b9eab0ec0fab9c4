package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
)

// Errors that Client.Do returns, wrapped with detail. Callers branch on them
// with errors.Is; the oracle maps each to a result code.
var (
	// ErrForbiddenAddress marks a URL whose host is, or resolves to, an
	// address outside public unicast, or a numeric host in a form other
	// than dotted decimal IPv4 or bracketed IPv6.
	ErrForbiddenAddress = errors.New("forbidden address")
	// ErrProtocolNotSupported marks a URL scheme other than https (and
	// http when Config.AllowHTTP is set).
	ErrProtocolNotSupported = errors.New("protocol not supported")
	// ErrInvalidURL marks a URL that does not parse or has a malformed
	// host, port or user info.
	ErrInvalidURL = errors.New("invalid URL")
	// ErrInvalidRequest marks a request with a method other than GET or
	// POST, or a GET with a body.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrTimeout marks a request that ran past Config.ConnectTimeout or
	// Config.Timeout.
	ErrTimeout = errors.New("timeout")
	// ErrTooLarge marks a response body longer than
	// Config.MaxResponseBytes.
	ErrTooLarge = errors.New("response too large")
	// ErrContentType marks a response whose media type is missing or not
	// in Config.AllowedContentTypes.
	ErrContentType = errors.New("content type not supported")
	// ErrNotFound marks a 404 response. Its error is also a *StatusError.
	ErrNotFound = errors.New("not found")
	// ErrHTTPStatus marks a final response with a status outside 2xx other
	// than 404. Its error is a *StatusError.
	ErrHTTPStatus = errors.New("unexpected HTTP status")
	// ErrTooManyRedirects marks a request redirected more than
	// Config.MaxRedirects times.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRedirectNotAllowed marks a redirect the client will not follow:
	// to a URL with user info or a malformed host or port, or to another
	// origin while keeping a request body (307 and 308), because the body
	// may carry secrets.
	ErrRedirectNotAllowed = errors.New("redirect not allowed")
	// ErrNetwork marks any other failure to resolve, connect, handshake,
	// send or read.
	ErrNetwork = errors.New("network error")
)

// StatusError is the error for a final response with a status outside
// 2xx. It matches ErrNotFound for 404 and ErrHTTPStatus otherwise.
type StatusError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
}

// Error returns the status as text.
func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP status %d", e.StatusCode)
}

// Is makes errors.Is match ErrNotFound or ErrHTTPStatus.
func (e *StatusError) Is(target error) bool {
	if e.StatusCode == 404 {
		return target == ErrNotFound
	}
	return target == ErrHTTPStatus
}

// sentinels are the errors classify keeps as they are; any other transport
// failure becomes ErrTimeout or ErrNetwork.
var sentinels = []error{
	ErrForbiddenAddress, ErrProtocolNotSupported, ErrInvalidURL, ErrInvalidRequest, ErrTimeout, ErrTooLarge,
	ErrContentType, ErrNotFound, ErrHTTPStatus, ErrTooManyRedirects, ErrRedirectNotAllowed,
}

// classify turns an error from http.Client.Do or from reading a body into
// one that wraps a sentinel. The *url.Error that net/http adds is
// replaced, because it holds the full URL and the query may carry secrets.
// When the caller's own context ended, its error is returned instead, so a
// shutdown is not reported as a timeout of the remote server.
func classify(parent context.Context, err error) error {
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("request canceled: %w", perr)
	}

	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return err
		}
	}

	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout() {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	if errors.Is(err, ErrNetwork) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrNetwork, err)
}

// redactURL returns u without user info, query or fragment, for error
// messages and logs.
func redactURL(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.RawQuery != "" {
		return r.String() + "?[redacted]"
	}
	return r.String()
}
