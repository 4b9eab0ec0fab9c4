package egress

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want error // nil when the URL is allowed
	}{
		{name: "decimal integer", url: "https://2130706433/", want: ErrForbiddenAddress},
		{name: "octal dotted", url: "https://0177.0.0.1/", want: ErrForbiddenAddress},
		{name: "hex two parts", url: "https://0x7f.1/", want: ErrForbiddenAddress},
		{name: "hex integer", url: "https://0x7f000001/", want: ErrForbiddenAddress},
		{name: "octal integer", url: "https://017700000001/", want: ErrForbiddenAddress},
		{name: "short dotted", url: "https://127.1/", want: ErrForbiddenAddress},
		{name: "three parts", url: "https://10.0.1/", want: ErrForbiddenAddress},
		{name: "bare 0x", url: "https://0x/", want: ErrForbiddenAddress},
		{name: "zero", url: "https://0/", want: ErrForbiddenAddress},
		{name: "trailing dot", url: "https://127.0.0.1./", want: ErrForbiddenAddress},
		{name: "metadata decimal", url: "https://2852039166/", want: ErrForbiddenAddress},
		{name: "hex public", url: "https://0x08.0x08.0x08.0x08/", want: ErrForbiddenAddress},
		{name: "decimal public", url: "https://134744072/", want: ErrForbiddenAddress},
		{name: "upper-case hex", url: "https://0X7F.0X0.0X0.0X1/", want: ErrForbiddenAddress},
		{name: "octet too large", url: "https://1.2.3.256/", want: ErrInvalidURL},
		{name: "bad octal digit", url: "https://08.1.2.3/", want: ErrInvalidURL},
		{name: "integer too large", url: "https://4294967296/", want: ErrInvalidURL},
		{name: "five parts", url: "https://1.2.3.4.5/", want: ErrInvalidURL},
		{name: "numeric last label", url: "https://example.123/", want: ErrInvalidURL},
		{name: "hex last label", url: "https://example.0x1f/", want: ErrInvalidURL},
		{name: "metadata literal", url: "https://169.254.169.254/latest/meta-data/", want: ErrForbiddenAddress},
		{name: "private literal", url: "https://192.168.0.1/", want: ErrForbiddenAddress},
		{name: "v6 loopback", url: "https://[::1]/", want: ErrForbiddenAddress},
		{name: "v6 mapped dotted", url: "https://[::ffff:127.0.0.1]/", want: ErrForbiddenAddress},
		{name: "v6 mapped hex", url: "https://[::ffff:7f00:1]/", want: ErrForbiddenAddress},
		{name: "v6 mapped long form", url: "https://[0:0:0:0:0:ffff:127.0.0.1]/", want: ErrForbiddenAddress},
		{name: "v6 compatible", url: "https://[::127.0.0.1]/", want: ErrForbiddenAddress},
		{name: "v6 zone", url: "https://[fe80::1%25eth0]/", want: ErrForbiddenAddress},
		{name: "v6 nat64", url: "https://[64:ff9b::7f00:1]/", want: ErrForbiddenAddress},
		{name: "v6 aws metadata", url: "https://[fd00:ec2::254]/", want: ErrForbiddenAddress},
		{name: "percent-encoded host", url: "https://%31%32%37.0.0.1/", want: ErrInvalidURL},
		{name: "localhost", url: "https://localhost/", want: ErrForbiddenAddress},
		{name: "localhost upper trailing dot", url: "https://LOCALHOST./", want: ErrForbiddenAddress},
		{name: "localhost subdomain", url: "https://api.localhost/", want: ErrForbiddenAddress},
		{name: "user info", url: "https://user:pass@example.com/", want: ErrInvalidURL},
		{name: "user only", url: "https://example.com@8.8.8.8/", want: ErrInvalidURL},
		{name: "http", url: "http://example.com/", want: ErrProtocolNotSupported},
		{name: "ftp", url: "ftp://example.com/", want: ErrProtocolNotSupported},
		{name: "file", url: "file:///etc/passwd", want: ErrProtocolNotSupported},
		{name: "gopher", url: "gopher://example.com/", want: ErrProtocolNotSupported},
		{name: "no scheme", url: "//example.com/", want: ErrInvalidURL},
		{name: "opaque", url: "https:example.com", want: ErrInvalidURL},
		{name: "port zero", url: "https://example.com:0/", want: ErrInvalidURL},
		{name: "port too large", url: "https://example.com:99999/", want: ErrInvalidURL},
		{name: "no host", url: "https:///path", want: ErrInvalidURL},
		{name: "space in host", url: "https://exa mple.com/", want: ErrInvalidURL},
		{name: "non-ascii host", url: "https://例え.jp/", want: ErrInvalidURL},
		{name: "empty label", url: "https://a..b/", want: ErrInvalidURL},
		{name: "long label", url: "https://" + strings.Repeat("a", 64) + ".com/", want: ErrInvalidURL},
		{name: "dns name", url: "https://example.com/data?x=1"},
		{name: "dns name with port", url: "https://example.com:8443/"},
		{name: "dns trailing dot", url: "https://example.com./"},
		{name: "punycode", url: "https://xn--r8jz45g.jp/"},
		{name: "numeric labels before name", url: "https://1.2.3.4.example.com/"},
		{name: "public v4", url: "https://8.8.8.8/"},
		{name: "public v6", url: "https://[2606:4700:4700::1111]/"},
		{name: "underscore label", url: "https://_api.example.com/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckURL(tc.url)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestNumericHostErrorNamesAddress(t *testing.T) {
	err := CheckURL("https://0x7f.1/")
	require.ErrorContains(t, err, `host "0x7f.1" means 127.0.0.1`)
	require.ErrorContains(t, err, "loopback")
}

func TestCheckURLDevSwitches(t *testing.T) {
	p := policy{allowHTTP: true, allowLoopback: true}
	for _, raw := range []string{"http://127.0.0.1:8080/", "https://[::1]/", "https://localhost/"} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.NoError(t, p.checkURL(u), raw)
	}
	// The switch admits loopback only, never other forbidden blocks or
	// numeric host forms.
	for _, raw := range []string{"https://10.0.0.1/", "https://2130706433/", "https://[64:ff9b::7f00:1]/"} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.ErrorIs(t, p.checkURL(u), ErrForbiddenAddress, raw)
	}
}

func TestParseLooseIPv4(t *testing.T) {
	tests := []struct {
		host string
		want string // empty when the host is not an IPv4 address
	}{
		{host: "2130706433", want: "127.0.0.1"},
		{host: "0177.0.0.1", want: "127.0.0.1"},
		{host: "0x7f.1", want: "127.0.0.1"},
		{host: "127.1", want: "127.0.0.1"},
		{host: "127.0.1", want: "127.0.0.1"},
		{host: "0x", want: "0.0.0.0"},
		{host: "1.2.3.4.", want: "1.2.3.4"},
		{host: "255.255.65535", want: "255.255.255.255"},
		{host: "255.255.65536"},
		{host: "256.1"},
		{host: "1..1"},
		{host: "0x1g"},
		{host: "09"},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			addr, ok := parseLooseIPv4(tc.host)
			if tc.want == "" {
				require.False(t, ok, "got %s", addr)
				return
			}
			require.True(t, ok)
			require.Equal(t, netip.MustParseAddr(tc.want), addr)
		})
	}
}

func FuzzCheckURL(f *testing.F) {
	for _, seed := range []string{
		"https://example.com/", "https://2130706433/", "https://0x7f.1/", "https://[::ffff:127.0.0.1]/",
		"https://[fe80::1%25eth0]/", "https://%31%32%37.0.0.1/", "http://example.com/", "https://1.2.3.256/",
		"https://8.8.8.8:443/x?y=z", "https://user@example.com/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if CheckURL(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.Equal(t, "https", u.Scheme)
		require.Nil(t, u.User)

		host := u.Hostname()
		if addr, err := netip.ParseAddr(host); err == nil {
			require.NoError(t, CheckAddress(addr))
			return
		}
		// An accepted name is never something an inet_aton or WHATWG
		// parser would read as an IPv4 address.
		_, isIPv4 := parseLooseIPv4(host)
		require.False(t, isIPv4, "numeric host %q accepted", host)
		require.False(t, isLocalhost(host), "localhost %q accepted", host)
		for i := 0; i < len(host); i++ {
			require.True(t, isLabelByte(host[i]) || host[i] == '.', "host %q has byte %q", host, host[i])
		}
	})
}
