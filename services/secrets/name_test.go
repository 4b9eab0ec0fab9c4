package secrets_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		valid bool
	}{
		{name: "letters", in: "apiKey", valid: true},
		{name: "all allowed bytes", in: "A-z_0.9", valid: true},
		{name: "single byte", in: "k", valid: true},
		{name: "max length", in: strings.Repeat("a", secrets.MaxNameLen), valid: true},
		{name: "empty", in: ""},
		{name: "too long", in: strings.Repeat("a", secrets.MaxNameLen+1)},
		{name: "space", in: "api key"},
		{name: "at sign", in: "key@2"},
		{name: "braces", in: "{{key}}"},
		{name: "colon", in: "secret:key"},
		{name: "slash", in: "a/b"},
		{name: "non-ascii letter", in: "schlüssel"},
		{name: "nul byte", in: "a\x00b"},
		{name: "newline", in: "a\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := secrets.ValidateName(tc.in)
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, secrets.ErrInvalidName)
		})
	}
}

func TestValidateService(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		valid bool
	}{
		{name: "oracle", in: "oracle", valid: true},
		{name: "digits dash underscore", in: "svc-2_b", valid: true},
		{name: "max length", in: strings.Repeat("s", secrets.MaxServiceLen), valid: true},
		{name: "empty", in: ""},
		{name: "too long", in: strings.Repeat("s", secrets.MaxServiceLen+1)},
		{name: "upper case", in: "Oracle"},
		{name: "leading digit", in: "2fa"},
		{name: "dot", in: "a.b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := secrets.ValidateService(tc.in)
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, secrets.ErrInvalidSubject)
		})
	}
}

func FuzzValidateName(f *testing.F) {
	for _, seed := range []string{"apiKey", "", "a.b-c_d", "ü", strings.Repeat("x", 65), "a\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := secrets.ValidateName(name)
		if err != nil {
			require.ErrorIs(t, err, secrets.ErrInvalidName)
			return
		}
		require.NotEmpty(t, name)
		require.LessOrEqual(t, len(name), secrets.MaxNameLen)
		for _, c := range []byte(name) {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				c == '_' || c == '-' || c == '.'
			require.Truef(t, ok, "accepted byte %q in %q", c, name)
		}
	})
}
