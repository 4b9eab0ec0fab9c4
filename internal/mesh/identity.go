package mesh

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
)

// TrustDomain is the SPIFFE trust domain of every mesh identity.
const TrustDomain = "servicelayer"

// ErrNoIdentity is returned when a certificate carries no valid mesh
// identity.
var ErrNoIdentity = errors.New("certificate has no mesh identity")

// IdentityFunc extracts the service name from a verified peer certificate.
// The default is SPIFFEIdentity. A deployment whose certificates encode the
// identity elsewhere (for example MarbleRun marble certificates) supplies
// its own, and the server and the client both use it.
type IdentityFunc func(cert *x509.Certificate) (string, error)

// ValidateServiceName checks that name can be a mesh identity: 1 to 63
// characters of lower-case letters, digits and '-', starting with a letter.
func ValidateServiceName(name string) error {
	if !validServiceName(name) {
		return fmt.Errorf("invalid service name %q: want 1-63 of [a-z0-9-], starting with a letter", name)
	}

	return nil
}

// validServiceName is the check of ValidateServiceName without building
// an error, for the request path.
func validServiceName(name string) bool {
	if len(name) == 0 || len(name) > 63 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}

	return true
}

// ServiceURI returns the identity URI of a service,
// spiffe://servicelayer/<service>.
func ServiceURI(service string) *url.URL {
	return &url.URL{Scheme: "spiffe", Host: TrustDomain, Path: "/" + service}
}

// SPIFFEIdentity returns the service named by the certificate's only URI
// SAN, which must be spiffe://servicelayer/<service>. It wraps
// ErrNoIdentity when the certificate has no such URI, more than one URI,
// or an invalid service name.
func SPIFFEIdentity(cert *x509.Certificate) (string, error) {
	if len(cert.URIs) != 1 {
		return "", fmt.Errorf("%w: want exactly one URI SAN, got %d", ErrNoIdentity, len(cert.URIs))
	}

	u := cert.URIs[0]
	if u.Scheme != "spiffe" || u.Host != TrustDomain || u.User != nil || u.RawQuery != "" ||
		u.Fragment != "" || len(u.Path) < 2 || u.Path[0] != '/' {
		return "", fmt.Errorf("%w: URI SAN is not spiffe://%s/<service>", ErrNoIdentity, TrustDomain)
	}

	service := u.Path[1:]
	if !validServiceName(service) {
		return "", fmt.Errorf("%w: invalid service name %q", ErrNoIdentity, service)
	}

	return service, nil
}
