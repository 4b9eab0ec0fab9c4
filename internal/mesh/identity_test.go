package mesh_test

import (
	"crypto/x509"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestSPIFFEIdentity(t *testing.T) {
	tests := []struct {
		name    string
		uris    []string
		want    string
		wantErr bool
	}{
		{name: "valid", uris: []string{"spiffe://servicelayer/vrf"}, want: "vrf"},
		{name: "dash and digits", uris: []string{"spiffe://servicelayer/account-pool2"}, want: "account-pool2"},
		{name: "no uri", wantErr: true},
		{name: "two uris", uris: []string{"spiffe://servicelayer/vrf", "spiffe://servicelayer/oracle"}, wantErr: true},
		{name: "other scheme", uris: []string{"https://servicelayer/vrf"}, wantErr: true},
		{name: "other trust domain", uris: []string{"spiffe://example.org/vrf"}, wantErr: true},
		{name: "nested path", uris: []string{"spiffe://servicelayer/ns/vrf"}, wantErr: true},
		{name: "upper case", uris: []string{"spiffe://servicelayer/VRF"}, wantErr: true},
		{name: "empty name", uris: []string{"spiffe://servicelayer/"}, wantErr: true},
		{name: "query", uris: []string{"spiffe://servicelayer/vrf?x=1"}, wantErr: true},
		{name: "user info", uris: []string{"spiffe://u@servicelayer/vrf"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert := &x509.Certificate{}
			for _, raw := range tc.uris {
				u, err := url.Parse(raw)
				require.NoError(t, err)
				cert.URIs = append(cert.URIs, u)
			}

			got, err := mesh.SPIFFEIdentity(cert)
			if tc.wantErr {
				require.ErrorIs(t, err, mesh.ErrNoIdentity)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestValidateServiceName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "simple", in: "vrf"},
		{name: "with dash", in: "account-pool"},
		{name: "63 characters", in: "a" + strings.Repeat("b", 62)},
		{name: "64 characters", in: strings.Repeat("a", 64), wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "leading digit", in: "1vrf", wantErr: true},
		{name: "underscore", in: "account_pool", wantErr: true},
		{name: "slash", in: "vrf/x", wantErr: true},
		{name: "newline", in: "vrf\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := mesh.ValidateServiceName(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestServiceURIRoundTrip(t *testing.T) {
	cert := &x509.Certificate{URIs: []*url.URL{mesh.ServiceURI("oracle")}}

	got, err := mesh.SPIFFEIdentity(cert)
	require.NoError(t, err)
	require.Equal(t, "oracle", got)
	require.Equal(t, "spiffe://servicelayer/oracle", mesh.ServiceURI("oracle").String())
}
