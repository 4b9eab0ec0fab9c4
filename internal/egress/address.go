package egress

import (
	"fmt"
	"net/netip"
)

// addressRange is a block of addresses that user-supplied URLs must not
// reach, with the name that error messages give it.
type addressRange struct {
	prefix netip.Prefix
	name   string
}

// forbiddenV4 lists the IPv4 blocks that are not public unicast. Sources:
// the IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates),
// RFC 5771 (multicast) and the cloud providers' documentation of their
// instance metadata endpoints.
var forbiddenV4 = []addressRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation (TEST-NET-1)"},
	{netip.MustParsePrefix("192.31.196.0/24"), "AS112 service"},
	{netip.MustParsePrefix("192.52.193.0/24"), "AMT relay anycast"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("192.175.48.0/24"), "AS112 service"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation (TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation (TEST-NET-3)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	// Azure's WireServer listens on this public address for every VM and
	// serves VM configuration, so it is treated like a metadata endpoint.
	{netip.MustParsePrefix("168.63.129.16/32"), "cloud metadata"},
}

// forbiddenV6 lists the blocks inside 2000::/3 (global unicast) that are
// not public unicast. Every address outside 2000::/3 is rejected before
// this list is consulted, which covers ::/128, ::1/128, the IPv4-compatible
// ::/96, 100::/64, 5f00::/16, fc00::/7 (including the AWS metadata address
// fd00:ec2::254), fe80::/10, fec0::/10 and ff00::/8. Source: the IANA IPv6
// Special-Purpose Address Registry.
var forbiddenV6 = []addressRange{
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
}

var (
	globalUnicastV6 = netip.MustParsePrefix("2000::/3")
	// nat64 is the well-known NAT64 prefix (RFC 6052); its last 32 bits
	// are the IPv4 address a NAT64 gateway forwards to.
	nat64 = netip.MustParsePrefix("64:ff9b::/96")
	// nat64Local is the local-use NAT64 prefix (RFC 8215), whose mapping is
	// private to each network.
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	loopbackV4 = netip.MustParsePrefix("127.0.0.0/8")
)

// CheckAddress reports whether a connection to addr is allowed. It returns
// nil for a public unicast address and an error wrapping
// ErrForbiddenAddress for anything else: private, loopback, link-local,
// shared (CGNAT), multicast, unspecified, broadcast, documentation,
// benchmarking and reserved blocks, and cloud metadata addresses.
// IPv4-mapped IPv6 addresses and NAT64 addresses (64:ff9b::/96) are
// checked as the IPv4 address they carry. Addresses with a zone are
// rejected.
func CheckAddress(addr netip.Addr) error {
	return checkAddress(addr, false)
}

// checkAddress is CheckAddress with the development switch that admits
// loopback addresses.
func checkAddress(addr netip.Addr, allowLoopback bool) error {
	if !addr.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrForbiddenAddress)
	}
	if addr.Zone() != "" {
		return fmt.Errorf("%w: %s has a zone", ErrForbiddenAddress, addr)
	}

	if addr.Is4In6() {
		return checkV4(addr.Unmap(), addr, allowLoopback)
	}
	if addr.Is4() {
		return checkV4(addr, addr, allowLoopback)
	}
	return checkV6(addr, allowLoopback)
}

// checkV4 checks an IPv4 address. The error names original, the form the
// caller passed, which may be IPv6 carrying v4.
func checkV4(v4, original netip.Addr, allowLoopback bool) error {
	if allowLoopback && loopbackV4.Contains(v4) {
		return nil
	}
	for _, r := range forbiddenV4 {
		if r.prefix.Contains(v4) {
			return fmt.Errorf("%w: %s is %s", ErrForbiddenAddress, original, r.name)
		}
	}
	return nil
}

func checkV6(addr netip.Addr, allowLoopback bool) error {
	if allowLoopback && addr == netip.IPv6Loopback() {
		return nil
	}

	if nat64.Contains(addr) {
		b := addr.As16()
		v4 := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		// A NAT64 gateway would forward to the embedded address, loopback
		// included, so the development switch does not apply here.
		return checkV4(v4, addr, false)
	}
	if nat64Local.Contains(addr) {
		return fmt.Errorf("%w: %s is local-use NAT64", ErrForbiddenAddress, addr)
	}
	if !globalUnicastV6.Contains(addr) {
		return fmt.Errorf("%w: %s is not global unicast", ErrForbiddenAddress, addr)
	}
	for _, r := range forbiddenV6 {
		if r.prefix.Contains(addr) {
			return fmt.Errorf("%w: %s is %s", ErrForbiddenAddress, addr, r.name)
		}
	}
	return nil
}
