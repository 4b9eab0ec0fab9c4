package egress

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

const (
	maxHostLen  = 253
	maxLabelLen = 63
)

// policy is the part of Config that decides which URLs and addresses are
// allowed.
type policy struct {
	allowHTTP     bool
	allowLoopback bool
}

// CheckURL reports whether raw is a URL that the production policy lets a
// Client fetch, without resolving its host: https, no user info, a valid
// port and a host that is a DNS name or a public IP literal. Numeric hosts
// in any form other than dotted decimal IPv4 or bracketed IPv6, such as
// 2130706433, 0177.0.0.1 or 0x7f.1, are rejected with ErrForbiddenAddress.
// A Client still checks every address the name resolves to.
func CheckURL(raw string) error {
	u, err := parseURL(raw)
	if err != nil {
		return err
	}
	return policy{}.checkURL(u)
}

// parseURL parses raw without putting it in the error, because a rendered
// URL may carry secrets in its query.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed URL", ErrInvalidURL)
	}
	return u, nil
}

// checkURL applies the rules that need no DNS lookup to u: scheme, user
// info, port and host form.
func (p policy) checkURL(u *url.URL) error {
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.allowHTTP:
	case u.Scheme == "":
		return fmt.Errorf("%w: URL has no scheme", ErrInvalidURL)
	default:
		return fmt.Errorf("%w: scheme %q, want https", ErrProtocolNotSupported, u.Scheme)
	}
	if u.Opaque != "" {
		return fmt.Errorf("%w: URL is opaque", ErrInvalidURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: URL has user info", ErrInvalidURL)
	}
	if _, err := parsePort(u); err != nil {
		return err
	}
	_, err := p.checkHost(u.Hostname())
	return err
}

func parsePort(u *url.URL) (uint16, error) {
	s := u.Port()
	if s == "" {
		if u.Scheme == "http" {
			return 80, nil
		}
		return 443, nil
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%w: invalid port %q", ErrInvalidURL, s)
	}
	return uint16(n), nil
}

// checkHost validates a URL host. It returns the address for an IP literal
// and the zero Addr for a DNS name, whose addresses the dialer checks after
// resolution.
func (p policy) checkHost(host string) (netip.Addr, error) {
	if host == "" {
		return netip.Addr{}, fmt.Errorf("%w: URL has no host", ErrInvalidURL)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if err := checkAddress(ip, p.allowLoopback); err != nil {
			return netip.Addr{}, err
		}
		return ip, nil
	}

	if err := checkDNSName(host); err != nil {
		return netip.Addr{}, err
	}
	if endsInNumber(host) {
		return netip.Addr{}, numericHostError(host)
	}
	if !p.allowLoopback && isLocalhost(host) {
		return netip.Addr{}, fmt.Errorf("%w: %s is loopback", ErrForbiddenAddress, host)
	}
	return netip.Addr{}, nil
}

// checkDNSName accepts ASCII host names: labels of 1 to 63 letters, digits,
// hyphens or underscores, separated by dots, with one optional trailing
// dot. Internationalised names must be sent in their xn-- form.
func checkDNSName(host string) error {
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > maxHostLen {
		return fmt.Errorf("%w: invalid host name %q", ErrInvalidURL, host)
	}
	for label := range strings.SplitSeq(name, ".") {
		if len(label) == 0 || len(label) > maxLabelLen {
			return fmt.Errorf("%w: invalid host name %q", ErrInvalidURL, host)
		}
		for i := 0; i < len(label); i++ {
			if !isLabelByte(label[i]) {
				return fmt.Errorf("%w: invalid host name %q", ErrInvalidURL, host)
			}
		}
	}
	return nil
}

func isLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isLocalhost(host string) bool {
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}

// endsInNumber reports whether a URL parser following the WHATWG URL
// Standard would read host as an IPv4 address: its last label (after one
// optional trailing dot) is decimal digits, or 0x followed by hex digits.
func endsInNumber(host string) bool {
	name := strings.TrimSuffix(host, ".")
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	if allDigits(last, 10) {
		return true
	}
	if len(last) < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X') {
		return false
	}
	return len(last) == 2 || allDigits(last[2:], 16)
}

// numericHostError explains why a numeric host that is not dotted decimal
// IPv4 is rejected, naming the address it stands for when it has one.
// Such hosts are never connected to, because resolvers and URL parsers
// disagree about what they mean.
func numericHostError(host string) error {
	addr, ok := parseLooseIPv4(host)
	if !ok {
		return fmt.Errorf("%w: host %q is not a valid IPv4 address", ErrInvalidURL, host)
	}
	if err := CheckAddress(addr); err != nil {
		return fmt.Errorf("host %q means %s: %w", host, addr, err)
	}
	return fmt.Errorf("%w: host %q means %s; write IPv4 addresses in dotted decimal",
		ErrForbiddenAddress, host, addr)
}

// parseLooseIPv4 reads host the way the WHATWG URL Standard and inet_aton
// do: one to four dot-separated parts, each decimal, octal (leading 0) or
// hex (leading 0x), the last part filling the remaining bytes.
func parseLooseIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}

	var value uint64
	for i, part := range parts {
		n, ok := parseIPv4Part(part)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			value |= n << (8 * (3 - i))
			continue
		}
		// The last part fills the 4-len(parts)+1 bytes that are left.
		rest := 8 * (5 - len(parts))
		if n >= 1<<rest {
			return netip.Addr{}, false
		}
		value |= n
	}
	return netip.AddrFrom4([4]byte{byte(value >> 24), byte(value >> 16), byte(value >> 8), byte(value)}), true
}

func parseIPv4Part(part string) (uint64, bool) {
	base := 10
	switch {
	case part == "":
		return 0, false
	case len(part) >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X'):
		base, part = 16, part[2:]
		if part == "" {
			return 0, true
		}
	case len(part) >= 2 && part[0] == '0':
		base, part = 8, part[1:]
	}
	if !allDigits(part, base) {
		return 0, false
	}
	n, err := strconv.ParseUint(part, base, 64)
	if err != nil || n > 1<<32-1 {
		return 0, false
	}
	return n, true
}

// allDigits reports whether s is non-empty and every byte is a digit in base
// 8, 10 or 16.
func allDigits(s string, base int) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		var ok bool
		switch base {
		case 8:
			ok = c >= '0' && c <= '7'
		case 10:
			ok = c >= '0' && c <= '9'
		default:
			ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		}
		if !ok {
			return false
		}
	}
	return true
}
