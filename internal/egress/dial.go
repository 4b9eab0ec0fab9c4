package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// Resolver looks up the addresses of a host name. *net.Resolver implements
// it; tests pass their own so that they never touch real DNS.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// dialFunc opens a TCP connection to a literal address.
type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// dialer resolves a host, checks every address it resolves to and connects
// to a checked address only, so a DNS answer that changes between the check
// and the connection (DNS rebinding) cannot redirect the connection.
type dialer struct {
	policy   policy
	resolver Resolver
	dial     dialFunc
}

// newNetDialer returns the dial function used outside tests. Its Control
// hook checks the socket's remote address once more just before connect,
// so that no code path can connect to an address that was not checked.
func newNetDialer(p policy, cfg Config) dialFunc {
	d := &net.Dialer{
		Timeout:   cfg.ConnectTimeout,
		KeepAlive: -1,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: unexpected socket address %q", ErrForbiddenAddress, address)
			}
			return checkAddress(ap.Addr(), p.allowLoopback)
		},
	}
	return d.DialContext
}

// DialContext is the http.Transport hook. address is host:port from the
// request URL.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("%w: invalid port %q", ErrInvalidURL, portText)
	}

	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, err
	}

	var errs []error
	for _, addr := range addrs {
		conn, err := d.dial(ctx, network, netip.AddrPortFrom(addr, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("connect to %s: %w", host, errors.Join(errs...))
}

// resolve returns the checked addresses of host. A host that resolves to
// any forbidden address is rejected as a whole: a name that mixes public
// and private addresses is either misconfigured or an attack.
func (d *dialer) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	ip, err := d.policy.checkHost(host)
	if err != nil {
		return nil, err
	}
	if ip.IsValid() {
		return []netip.Addr{ip}, nil
	}

	found, err := d.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("%w: resolve %s: %w", ErrNetwork, host, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w: %s has no addresses", ErrNetwork, host)
	}

	addrs := make([]netip.Addr, 0, len(found))
	for _, a := range found {
		if err := checkAddress(a, d.policy.allowLoopback); err != nil {
			return nil, fmt.Errorf("%s resolves to %w", host, err)
		}
		addrs = append(addrs, a.Unmap())
	}
	return addrs, nil
}
