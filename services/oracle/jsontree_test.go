package oracle

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseTreeRender(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "member order kept", in: `{"z":1, "a":2, "m":3}`, want: `{"z":1,"a":2,"m":3}`},
		{name: "long decimal kept", in: `[0.1000000000000000055511]`, want: `[0.1000000000000000055511]`},
		{name: "big integer kept", in: `12345678901234567890123`, want: `12345678901234567890123`},
		{name: "exponent form kept", in: `[1.0E+2, -0, 1e-7]`, want: `[1.0E+2,-0,1e-7]`},
		{name: "escapes normalised", in: `"\u00e9\/\n\u0001<>&"`, want: "\"é/\\n\\u0001<>&\""},
		{name: "scalars", in: ` [true, false, null, "s"] `, want: `[true,false,null,"s"]`},
		{name: "nested", in: `{"a":{"b":[{"c":[]}]},"d":{}}`, want: `{"a":{"b":[{"c":[]}]},"d":{}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, err := parseTree([]byte(tc.in), 64)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(root.appendJSON(nil)))
		})
	}
}

func TestParseTreeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{name: "duplicate member", in: `{"a":1,"a":2}`, want: errDuplicate},
		{name: "nested duplicate", in: `[{"x":{"k":1,"k":1}}]`, want: errDuplicate},
		{name: "trailing value", in: `{} {}`, want: errTrailing},
		{name: "trailing comma", in: `[1,]`, want: errNotJSONText},
		{name: "missing colon", in: `{"a" 1}`, want: errNotJSONText},
		{name: "empty", in: ``, want: errNotJSONText},
		{name: "bare word", in: `nope`, want: errNotJSONText},
		{name: "invalid utf-8", in: "\"\xff\"", want: errNotUTF8},
		{name: "too deep", in: strings.Repeat("[", 65) + strings.Repeat("]", 65), want: errTooDeep},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTree([]byte(tc.in), 64)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestParseTreeDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", 64) + strings.Repeat("]", 64)
	_, err := parseTree([]byte(ok), 64)
	require.NoError(t, err)
}

func TestParseTreeSizes(t *testing.T) {
	root, err := parseTree([]byte(`{"a":[1,"four",{"b":"xy"}],"c":null}`), 8)
	require.NoError(t, err)
	require.Equal(t, 7, root.size)
	require.Equal(t, 4, root.maxString)
	require.Equal(t, 5, root.items[0].size)
}

func TestParseTreePlainMatchesEncodingJSON(t *testing.T) {
	doc := `{"a":[1,2.5,"x",true,null,{"b":{}}],"c":-3e2}`
	root, err := parseTree([]byte(doc), 8)
	require.NoError(t, err)

	var want any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&want))
	require.Equal(t, want, root.plain)
}

func TestAppendJSONStringControls(t *testing.T) {
	var s strings.Builder
	for c := 0; c < 0x20; c++ {
		s.WriteByte(byte(c))
	}
	out := appendJSONString(nil, s.String()+"\"\\\u2028")

	var back string
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, s.String()+"\"\\\u2028", back)
}
