package enclave

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadSettings(t *testing.T) {
	wd, err := os.Getwd()
	require.NoError(t, err)
	tests := []struct {
		name    string
		env     map[string]string
		want    settings
		wantErr string
	}{
		{
			name: "defaults",
			env:  map[string]string{EnvMarbleType: "vrf"},
			want: settings{
				coordinatorAddr: "localhost:2001",
				marbleType:      "vrf",
				uuidFile:        filepath.Join(wd, "uuid"),
				dnsNames:        []string{"localhost"},
			},
		},
		{
			name: "all set",
			env: map[string]string{
				EnvMarbleType:      "vrf",
				EnvCoordinatorAddr: "coordinator:2001",
				EnvUUIDFile:        "/data/uuid",
				EnvDNSNames:        " vrf , vrf.ns.svc ,,",
			},
			want: settings{
				coordinatorAddr: "coordinator:2001",
				marbleType:      "vrf",
				uuidFile:        "/data/uuid",
				dnsNames:        []string{"vrf", "vrf.ns.svc"},
			},
		},
		{name: "type missing", env: map[string]string{}, wantErr: `EDG_MARBLE_TYPE is not set: set it to the marble type of "vrf"`},
		{
			name:    "type of another service",
			env:     map[string]string{EnvMarbleType: "oracle"},
			wantErr: `EDG_MARBLE_TYPE is "oracle" but this process runs "vrf"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loadSettings(func(key string) string { return tc.env[key] }, "vrf")
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "valid", cfg: Config{Service: "vrf"}},
		{name: "no service", cfg: Config{}, wantErr: "invalid enclave config: invalid service name"},
		{name: "upper-case service", cfg: Config{Service: "VRF"}, wantErr: "invalid service name"},
		{name: "negative timeout", cfg: Config{Service: "vrf", Timeout: -1}, wantErr: "negative timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
