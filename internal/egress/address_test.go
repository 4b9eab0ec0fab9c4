package egress

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		allowed bool
		// loopback is true when AllowLoopback admits the address.
		loopback bool
	}{
		{name: "this network", addr: "0.0.0.0"},
		{name: "this network other", addr: "0.1.2.3"},
		{name: "private 10", addr: "10.0.0.1"},
		{name: "private 10 top", addr: "10.255.255.255"},
		{name: "cgnat", addr: "100.64.0.1"},
		{name: "cgnat top", addr: "100.127.255.254"},
		{name: "alibaba metadata", addr: "100.100.100.200"},
		{name: "loopback", addr: "127.0.0.1", loopback: true},
		{name: "loopback top", addr: "127.255.255.254", loopback: true},
		{name: "link-local", addr: "169.254.0.1"},
		{name: "metadata", addr: "169.254.169.254"},
		{name: "ecs metadata", addr: "169.254.170.2"},
		{name: "private 172", addr: "172.16.0.1"},
		{name: "private 172 top", addr: "172.31.255.255"},
		{name: "ietf assignments", addr: "192.0.0.1"},
		{name: "oracle cloud metadata", addr: "192.0.0.192"},
		{name: "test-net-1", addr: "192.0.2.1"},
		{name: "as112", addr: "192.31.196.1"},
		{name: "amt relay", addr: "192.52.193.1"},
		{name: "6to4 relay", addr: "192.88.99.1"},
		{name: "private 192", addr: "192.168.1.1"},
		{name: "as112 second", addr: "192.175.48.1"},
		{name: "benchmarking", addr: "198.18.0.1"},
		{name: "benchmarking top", addr: "198.19.255.255"},
		{name: "test-net-2", addr: "198.51.100.1"},
		{name: "test-net-3", addr: "203.0.113.1"},
		{name: "multicast", addr: "224.0.0.1"},
		{name: "multicast ssdp", addr: "239.255.255.250"},
		{name: "reserved", addr: "240.0.0.1"},
		{name: "broadcast", addr: "255.255.255.255"},
		{name: "azure wireserver", addr: "168.63.129.16"},
		{name: "v6 unspecified", addr: "::"},
		{name: "v6 loopback", addr: "::1", loopback: true},
		{name: "mapped loopback", addr: "::ffff:127.0.0.1", loopback: true},
		{name: "mapped metadata", addr: "::ffff:169.254.169.254"},
		{name: "mapped private", addr: "::ffff:10.0.0.1"},
		{name: "mapped hex form", addr: "::ffff:a9fe:a9fe"},
		{name: "v4-compatible loopback", addr: "::127.0.0.1"},
		{name: "v4-compatible public", addr: "::8.8.8.8"},
		{name: "siit translated", addr: "::ffff:0:7f00:1"},
		{name: "nat64 loopback", addr: "64:ff9b::127.0.0.1"},
		{name: "nat64 metadata", addr: "64:ff9b::a9fe:a9fe"},
		{name: "nat64 local-use", addr: "64:ff9b:1::1"},
		{name: "discard-only", addr: "100::1"},
		{name: "teredo", addr: "2001::1"},
		{name: "v6 benchmarking", addr: "2001:2::1"},
		{name: "v6 documentation", addr: "2001:db8::1"},
		{name: "6to4", addr: "2002:7f00:1::1"},
		{name: "v6 documentation 3fff", addr: "3fff::1"},
		{name: "srv6 sid", addr: "5f00::1"},
		{name: "unique local", addr: "fc00::1"},
		{name: "aws v6 metadata", addr: "fd00:ec2::254"},
		{name: "v6 link-local", addr: "fe80::1"},
		{name: "v6 link-local with zone", addr: "fe80::1%eth0"},
		{name: "site-local", addr: "fec0::1"},
		{name: "v6 multicast", addr: "ff02::1"},
		{name: "public google dns", addr: "8.8.8.8", allowed: true},
		{name: "public cloudflare", addr: "1.1.1.1", allowed: true},
		{name: "below cgnat", addr: "100.63.255.255", allowed: true},
		{name: "above cgnat", addr: "100.128.0.0", allowed: true},
		{name: "below 172 private", addr: "172.15.255.255", allowed: true},
		{name: "above 172 private", addr: "172.32.0.0", allowed: true},
		{name: "below link-local", addr: "169.253.255.255", allowed: true},
		{name: "beside ietf block", addr: "192.0.1.1", allowed: true},
		{name: "below benchmarking", addr: "198.17.255.255", allowed: true},
		{name: "above benchmarking", addr: "198.20.0.0", allowed: true},
		{name: "below multicast", addr: "223.255.255.255", allowed: true},
		{name: "mapped public", addr: "::ffff:8.8.8.8", allowed: true},
		{name: "nat64 public", addr: "64:ff9b::808:808", allowed: true},
		{name: "v6 public cloudflare", addr: "2606:4700:4700::1111", allowed: true},
		{name: "v6 public google", addr: "2001:4860:4860::8888", allowed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, err := netip.ParseAddr(tc.addr)
			require.NoError(t, err)

			err = CheckAddress(addr)
			if tc.allowed {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrForbiddenAddress)
			}

			err = checkAddress(addr, true)
			if tc.allowed || tc.loopback {
				require.NoError(t, err, "with AllowLoopback")
			} else {
				require.ErrorIs(t, err, ErrForbiddenAddress, "with AllowLoopback")
			}
		})
	}
}

func TestCheckAddressInvalid(t *testing.T) {
	require.ErrorIs(t, CheckAddress(netip.Addr{}), ErrForbiddenAddress)
}

func TestCheckAddressNamesRange(t *testing.T) {
	err := CheckAddress(netip.MustParseAddr("::ffff:169.254.169.254"))
	require.EqualError(t, err, "forbidden address: ::ffff:169.254.169.254 is link-local")
}

func FuzzCheckAddress(f *testing.F) {
	for _, seed := range []string{"127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "8.8.8.8", "2606:4700::1"} {
		f.Add(netip.MustParseAddr(seed).AsSlice())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		addr, ok := netip.AddrFromSlice(raw)
		if !ok {
			return
		}
		if CheckAddress(addr) != nil {
			return
		}
		// Whatever passes must pass the standard library's predicates too,
		// in both its own form and the IPv4 form it may carry.
		for _, a := range []netip.Addr{addr, addr.Unmap()} {
			require.False(t, a.IsLoopback(), "loopback %s allowed", addr)
			require.False(t, a.IsPrivate(), "private %s allowed", addr)
			require.False(t, a.IsLinkLocalUnicast(), "link-local %s allowed", addr)
			require.False(t, a.IsMulticast(), "multicast %s allowed", addr)
			require.False(t, a.IsUnspecified(), "unspecified %s allowed", addr)
			require.True(t, a.IsGlobalUnicast(), "non-global %s allowed", addr)
		}
	})
}
