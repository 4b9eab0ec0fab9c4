package egress

import (
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"time"
)

// Defaults applied by Config.withDefaults to zero fields.
const (
	DefaultMaxResponseBytes = 64 << 10
	DefaultMaxHeaderBytes   = 16 << 10
	DefaultMaxRedirects     = 2
	DefaultConnectTimeout   = 5 * time.Second
	DefaultTimeout          = 10 * time.Second
	DefaultUserAgent        = "servicelayer-egress/1"
)

// DefaultContentTypes are the media types a response may have when
// Config.AllowedContentTypes is empty.
var DefaultContentTypes = []string{"application/json", "text/plain"}

// Config sets the limits of a Client. The zero value is the production
// policy with the defaults above.
type Config struct {
	// MaxResponseBytes caps the response body (default 64 KiB). Reading
	// stops at one byte past the cap.
	MaxResponseBytes int64
	// MaxHeaderBytes caps the response header block (default 16 KiB).
	MaxHeaderBytes int64
	// MaxRedirects is how many redirects one request may follow (default
	// 2). A negative value follows none.
	MaxRedirects int
	// ConnectTimeout bounds each TCP connect and the TLS handshake
	// (default 5s).
	ConnectTimeout time.Duration
	// Timeout bounds the whole request: every redirect, the headers and
	// the body (default 10s).
	Timeout time.Duration
	// AllowedContentTypes lists the media types accepted in the response
	// Content-Type, compared without parameters and case (default
	// application/json and text/plain).
	AllowedContentTypes []string
	// UserAgent is sent with every request (default
	// "servicelayer-egress/1").
	UserAgent string
	// Resolver looks up host names (default net.DefaultResolver).
	Resolver Resolver
	// RootCAs replaces the system roots for verifying servers; nil uses the
	// system roots.
	RootCAs *x509.CertPool

	// AllowLoopback admits 127.0.0.0/8, ::1 and localhost names. It exists
	// for local development and tests only: a caller must reject it in
	// any other environment, because it lets requesters reach services on
	// the host. Off by default.
	AllowLoopback bool
	// AllowHTTP admits plain http URLs. Like AllowLoopback it is for
	// local development and tests only, and off by default.
	AllowHTTP bool
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.MaxResponseBytes == 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxRedirects == 0 {
		c.MaxRedirects = DefaultMaxRedirects
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if len(c.AllowedContentTypes) == 0 {
		c.AllowedContentTypes = DefaultContentTypes
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver
	}
	return c
}

// Validate checks a Config after defaults are applied.
func (c Config) Validate() error {
	var errs []error
	if c.MaxResponseBytes < 0 {
		errs = append(errs, fmt.Errorf("max response bytes %d is negative", c.MaxResponseBytes))
	}
	if c.MaxHeaderBytes < 0 {
		errs = append(errs, fmt.Errorf("max header bytes %d is negative", c.MaxHeaderBytes))
	}
	if c.ConnectTimeout < 0 || c.Timeout < 0 {
		errs = append(errs, errors.New("timeouts must not be negative"))
	}
	for _, t := range c.AllowedContentTypes {
		mt, params, err := mime.ParseMediaType(t)
		if err != nil || len(params) != 0 || mt != t {
			errs = append(errs, fmt.Errorf("content type %q is not a lower-case media type without parameters", t))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid egress config: %w", err)
	}
	return nil
}
