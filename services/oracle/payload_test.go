package oracle

import (
	"errors"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"
)

var testOwner = util.Uint160{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}

// withOwner returns `"secrets":{"owner":"<address of testOwner>"}`.
func withOwner() string {
	return `"secrets":{"owner":"` + address.Uint160ToString(testOwner) + `"}`
}

func TestParsePayload(t *testing.T) {
	raw := `{"url":"https://api.example.com/v1/price?sym=NEO&key={{secret:apikey}}",` +
		`"method":"POST","headers":{"Accept":"application/json","X-Token":"Bearer {{secret:token@2}}"},` +
		`"body":"{\"q\":\"{{secret:apikey}}\"}","filter":"$.price",` + withOwner() + `}`

	p, err := ParsePayload([]byte(raw))
	require.NoError(t, err)
	require.Equal(t, "https://api.example.com/v1/price?sym=NEO&key={{secret:apikey}}", p.URL)
	require.Equal(t, "POST", p.Method)
	require.Equal(t, []Header{{Name: "Accept", Value: "application/json"}, {Name: "X-Token", Value: "Bearer {{secret:token@2}}"}}, p.Headers)
	require.Equal(t, `{"q":"{{secret:apikey}}"}`, p.Body)
	require.Equal(t, "$.price", p.Filter.String())
	require.Equal(t, testOwner, p.SecretsOwner)
	require.Equal(t, []SecretRef{{Name: "apikey"}, {Name: "token", Version: 2}}, p.Refs)
}

func TestParsePayloadMinimal(t *testing.T) {
	p, err := ParsePayload([]byte(`{"url":"https://example.com/"}`))
	require.NoError(t, err)
	require.Equal(t, "GET", p.Method)
	require.Nil(t, p.Filter)
	require.Empty(t, p.Headers)
	require.Empty(t, p.Refs)
}

func TestParsePayloadRejects(t *testing.T) {
	long := strings.Repeat("a", MaxURLBytes)
	manyHeaders := make([]string, MaxHeaders+1)
	for i := range manyHeaders {
		manyHeaders[i] = `"H` + strings.Repeat("x", i) + `":"v"`
	}
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: ``, want: "empty payload"},
		{name: "too long", in: `{"url":"` + strings.Repeat("a", MaxPayloadBytes) + `"}`, want: "max 4096"},
		{name: "not json", in: `url=x`, want: "not valid JSON"},
		{name: "array", in: `["https://example.com"]`, want: "not a JSON object"},
		{name: "trailing data", in: `{"url":"https://example.com/"} x`, want: "trailing data"},
		{name: "unknown field", in: `{"url":"https://example.com/","timeout":5}`, want: `unknown field "timeout"`},
		{name: "repeated field", in: `{"url":"https://a.example/","url":"https://b.example/"}`, want: "duplicate member name"},
		{name: "missing url", in: `{"method":"GET"}`, want: `missing "url"`},
		{name: "url not string", in: `{"url":5}`, want: `"url" must be a string`},
		{name: "url null", in: `{"url":null}`, want: `"url" must be a string`},
		{name: "url too long", in: `{"url":"https://example.com/` + long + `"}`, want: "max 1024"},
		{name: "relative url", in: `{"url":"/v1/price"}`, want: "absolute URL"},
		{name: "url user info", in: `{"url":"https://u:p@example.com/"}`, want: "user info"},
		{name: "url fragment", in: `{"url":"https://example.com/#x"}`, want: "fragment"},
		{name: "secret in host", in: `{"url":"https://{{secret:h}}.example.com/",` + withOwner() + `}`, want: "only in the query"},
		{name: "secret in path", in: `{"url":"https://example.com/{{secret:p}}?x=1",` + withOwner() + `}`, want: "only in the query"},
		{name: "malformed ref", in: `{"url":"https://example.com/?k={{secret:a b}}",` + withOwner() + `}`, want: "malformed secret reference"},
		{name: "method lower case", in: `{"url":"https://example.com/","method":"get"}`, want: `"method" is "get"`},
		{name: "method put", in: `{"url":"https://example.com/","method":"PUT"}`, want: "want GET or POST"},
		{name: "body with get", in: `{"url":"https://example.com/","body":"x"}`, want: `"body" needs`},
		{name: "body too long", in: `{"url":"https://example.com/","method":"POST","body":"` + strings.Repeat("b", MaxBodyBytes+1) + `"}`, want: "max 2048"},
		{name: "headers not object", in: `{"url":"https://example.com/","headers":["a"]}`, want: "object of strings"},
		{name: "header value number", in: `{"url":"https://example.com/","headers":{"A":1}}`, want: `"headers.A" must be a string`},
		{name: "too many headers", in: `{"url":"https://example.com/","headers":{` + strings.Join(manyHeaders, ",") + `}}`, want: "17 headers"},
		{name: "header name invalid", in: `{"url":"https://example.com/","headers":{"A B":"v"}}`, want: "invalid header name"},
		{name: "header host", in: `{"url":"https://example.com/","headers":{"Host":"other"}}`, want: `header "Host" may not be set`},
		{name: "header proxy", in: `{"url":"https://example.com/","headers":{"Proxy-Foo":"x"}}`, want: "may not be set"},
		{name: "header encoding", in: `{"url":"https://example.com/","headers":{"accept-encoding":"gzip"}}`, want: "may not be set"},
		{name: "header repeated by case", in: `{"url":"https://example.com/","headers":{"X-A":"1","x-a":"2"}}`, want: "repeated"},
		{name: "header CRLF", in: `{"url":"https://example.com/","headers":{"X-A":"1\r\nX-B: 2"}}`, want: "control character"},
		{name: "filter empty", in: `{"url":"https://example.com/","filter":""}`, want: `"filter" is empty`},
		{name: "filter too long", in: `{"url":"https://example.com/","filter":"$` + strings.Repeat(".a", 130) + `"}`, want: "max 256"},
		{name: "refs without owner", in: `{"url":"https://example.com/?k={{secret:a}}"}`, want: `need "secrets"`},
		{name: "owner without refs", in: `{"url":"https://example.com/",` + withOwner() + `}`, want: "nothing references a secret"},
		{name: "owner not address", in: `{"url":"https://example.com/?k={{secret:a}}","secrets":{"owner":"0x1234"}}`, want: "not a Neo address"},
		{name: "secrets extra field", in: `{"url":"https://example.com/","secrets":{"owner":"N","x":1}}`, want: `"secrets" must be`},
		{name: "nested too deep", in: `{"url":"https://example.com/","headers":{"A":{"b":"c"}}}`, want: "nested too deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePayload([]byte(tc.in))
			require.ErrorIs(t, err, ErrInvalidPayload)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestParsePayloadTooManyRefs(t *testing.T) {
	var refs []string
	for i := range MaxSecretRefs + 1 {
		refs = append(refs, "k"+string(rune('a'+i))+"={{secret:s"+string(rune('a'+i))+"}}")
	}
	raw := `{"url":"https://example.com/?` + strings.Join(refs, "&") + `",` + withOwner() + `}`
	_, err := ParsePayload([]byte(raw))
	require.ErrorContains(t, err, "9 secret references, max 8")
}

func TestParsePayloadBadFilter(t *testing.T) {
	_, err := ParsePayload([]byte(`{"url":"https://example.com/","filter":"$[?"}`))
	var ferr *FilterError
	require.ErrorAs(t, err, &ferr)
	require.NotErrorIs(t, err, ErrInvalidPayload)
}

func FuzzParsePayload(f *testing.F) {
	for _, seed := range []string{
		`{"url":"https://example.com/"}`,
		`{"url":"https://example.com/?k={{secret:a}}",` + withOwner() + `}`,
		`{"url":"https://example.com/","method":"POST","body":"x","headers":{"A":"b"},"filter":"$.a"}`,
		`{"url":"https://example.com/","filter":"$[?"}`,
		`{"url":1}`, `[]`, `{}`, `{"url":"https://example.com/"}{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParsePayload(raw)
		if err != nil {
			var ferr *FilterError
			if !errors.As(err, &ferr) {
				require.ErrorIs(t, err, ErrInvalidPayload)
			}
			return
		}
		require.NotEmpty(t, p.URL)
		require.LessOrEqual(t, len(p.URL), MaxURLBytes)
		require.Contains(t, []string{"GET", "POST"}, p.Method)
		require.LessOrEqual(t, len(p.Headers), MaxHeaders)
		require.LessOrEqual(t, len(p.Refs), MaxSecretRefs)
		require.Equal(t, len(p.Refs) > 0, p.SecretsOwner != util.Uint160{})

		// Any accepted payload renders into a request once every
		// reference has a value, and no header value gains a line break.
		values := make(map[SecretRef]SecretValue)
		for _, ref := range p.Refs {
			values[ref] = "v"
		}
		req, err := p.Request(values)
		require.NoError(t, err)
		for _, vs := range req.Header {
			for _, v := range vs {
				require.NotContains(t, v, "\n")
				require.NotContains(t, v, "\r")
			}
		}
	})
}
