package oracle

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []SecretRef
	}{
		{name: "no references", in: "plain {{text}} {x}"},
		{name: "latest", in: "k={{secret:api_key}}", want: []SecretRef{{Name: "api_key"}}},
		{name: "version", in: "{{secret:api.key-2@7}}", want: []SecretRef{{Name: "api.key-2", Version: 7}}},
		{name: "max version", in: "{{secret:a@4294967295}}", want: []SecretRef{{Name: "a", Version: 4294967295}}},
		{name: "two distinct", in: "{{secret:a}}{{secret:b@1}}", want: []SecretRef{{Name: "a"}, {Name: "b", Version: 1}}},
		{name: "repeat counted once", in: "{{secret:a}}-{{secret:a}}", want: []SecretRef{{Name: "a"}}},
		{name: "latest and version differ", in: "{{secret:a}}{{secret:a@1}}", want: []SecretRef{{Name: "a"}, {Name: "a", Version: 1}}},
		{name: "brace run", in: "{{{{secret:a}}}}", want: []SecretRef{{Name: "a"}}},
		{name: "max name", in: "{{secret:" + strings.Repeat("n", 64) + "}}", want: []SecretRef{{Name: strings.Repeat("n", 64)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := ParseTemplate(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, tmpl.Refs())
		})
	}
}

func TestParseTemplateRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "unterminated", in: "{{secret:abc", want: "malformed secret reference"},
		{name: "empty name", in: "{{secret:}}", want: `invalid secret name ""`},
		{name: "space in name", in: "{{secret:a b}}", want: `invalid secret name "a b"`},
		{name: "slash in name", in: "{{secret:a/b}}", want: `invalid secret name "a/b"`},
		{name: "name too long", in: "{{secret:" + strings.Repeat("n", 65) + "}}", want: "invalid secret name"},
		{name: "non-ascii name", in: "{{secret:clé}}", want: "invalid secret name"},
		{name: "zero version", in: "{{secret:a@0}}", want: `invalid version "0"`},
		{name: "leading zero", in: "{{secret:a@01}}", want: `invalid version "01"`},
		{name: "negative version", in: "{{secret:a@-1}}", want: `invalid version "-1"`},
		{name: "version too large", in: "{{secret:a@4294967296}}", want: "invalid version"},
		{name: "empty version", in: "{{secret:a@}}", want: `invalid version ""`},
		{name: "two versions", in: "{{secret:a@1@2}}", want: "invalid version"},
		{name: "latest spelled out", in: "{{secret:a@latest}}", want: "invalid version"},
		{name: "spaces inside", in: "{{ secret:a }}", want: "malformed secret reference"},
		{name: "upper case", in: "{{SECRET:a}}", want: "malformed secret reference"},
		{name: "other separator", in: "{{secret-a}}", want: "malformed secret reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTemplate(tc.in)
			require.ErrorIs(t, err, ErrMalformedRef)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestTemplateRender(t *testing.T) {
	tmpl, err := ParseTemplate("a={{secret:k}}&b={{secret:k@2}}&c={{secret:k}}")
	require.NoError(t, err)
	values := map[SecretRef]SecretValue{{Name: "k"}: "x y&z", {Name: "k", Version: 2}: "v2"}

	raw, err := tmpl.Render(values, nil)
	require.NoError(t, err)
	require.Equal(t, "a=x y&z&b=v2&c=x y&z", raw)

	escaped, err := tmpl.Render(values, url.QueryEscape)
	require.NoError(t, err)
	require.Equal(t, "a=x+y%26z&b=v2&c=x+y%26z", escaped)
}

func TestTemplateRenderMissingValue(t *testing.T) {
	tmpl, err := ParseTemplate("{{secret:k@3}}")
	require.NoError(t, err)
	_, err = tmpl.Render(map[SecretRef]SecretValue{{Name: "k"}: "v"}, nil)
	require.EqualError(t, err, "no value for secret k@3")
}

func TestSecretValueRedacted(t *testing.T) {
	v := SecretValue("hunter2")
	for _, s := range []string{
		fmt.Sprint(v), fmt.Sprintf("%s %v %q %x %d %#v %+v", v, v, v, v, v, v, v),
		fmt.Sprintf("%v", struct{ V SecretValue }{v}),
	} {
		require.NotContains(t, s, "hunter2")
	}

	raw, err := json.Marshal(map[string]SecretValue{"v": v})
	require.NoError(t, err)
	require.NotContains(t, string(raw), "hunter2")

	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "secret", v)
	require.NotContains(t, logs.String(), "hunter2")
	require.Contains(t, logs.String(), "[redacted]")
}

func TestSecretRefString(t *testing.T) {
	require.Equal(t, "k", SecretRef{Name: "k"}.String())
	require.Equal(t, "k@12", SecretRef{Name: "k", Version: 12}.String())
}

func FuzzParseTemplate(f *testing.F) {
	for _, seed := range []string{
		"", "k={{secret:a}}", "{{secret:a@1}}{{secret:b}}", "{{secret:", "{{ Secret:x}}", "{{{{secret:a}}}}",
		"{{secret:a@0}}", "}}{{", "{{secret:" + strings.Repeat("x", 70) + "}}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tmpl, err := ParseTemplate(text)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformedRef)
			return
		}
		refs := tmpl.Refs()
		values := make(map[SecretRef]SecretValue, len(refs))
		for _, ref := range refs {
			require.True(t, validSecretName(ref.Name), "name %q", ref.Name)
			values[ref] = SecretValue("{{secret:" + ref.String() + "}}")
		}

		// Rendering each reference as its own text gives back the
		// template.
		out, err := tmpl.Render(values, nil)
		require.NoError(t, err)
		require.Equal(t, text, out)
	})
}
