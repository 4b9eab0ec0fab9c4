package vrf

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParsePayload(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{name: "three words", in: `{"words":3}`, want: 3},
		{name: "max words", in: `{"words":500}`, want: 500},
		{name: "spaces allowed", in: " { \"words\" : 1 } ", want: 1},
		{name: "zero words", in: `{"words":0}`, wantErr: `"words" is 0, want 1 to 500`},
		{name: "too many words", in: `{"words":501}`, wantErr: `"words" is 501, want 1 to 500`},
		{name: "negative", in: `{"words":-1}`, wantErr: `"words" is -1`},
		{name: "fraction", in: `{"words":1.5}`, wantErr: `want an integer`},
		{name: "string count", in: `{"words":"3"}`, wantErr: `"words" is "3", want an integer`},
		{name: "missing words", in: `{}`, wantErr: `missing "words"`},
		{name: "null words", in: `{"words":null}`, wantErr: `"words" is null`},
		{name: "unknown field", in: `{"words":3,"seed":1}`, wantErr: `unknown field "seed"`},
		{name: "key in other case", in: `{"WORDS":3}`, wantErr: `unknown field "WORDS"`},
		{name: "repeated key", in: `{"words":2,"words":7}`, wantErr: `"words" appears twice`},
		{name: "array", in: `[3]`, wantErr: `want a JSON object`},
		{name: "unclosed", in: `{"words":3`, wantErr: `malformed JSON`},
		{name: "trailing data", in: `{"words":3}{}`, wantErr: `trailing data`},
		{name: "empty", in: ``, wantErr: `empty payload`},
		{name: "not json", in: `words=3`, wantErr: `invalid vrf payload`},
		{name: "huge number", in: `{"words":1e400}`, wantErr: `want an integer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePayload([]byte(tc.in))
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidPayload)
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got.Words)
		})
	}
}

func TestParsePayloadTooLong(t *testing.T) {
	raw := make([]byte, maxPayloadBytes+1)
	_, err := ParsePayload(raw)
	require.ErrorContains(t, err, "max 1024")
}

func FuzzParsePayload(f *testing.F) {
	for _, seed := range []string{`{"words":3}`, `{"words":0}`, `{"words":500}`, `{}`, `[]`, `{"words":3}x`, ``} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParsePayload(raw)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidPayload)
			return
		}
		require.GreaterOrEqual(t, p.Words, 1)
		require.LessOrEqual(t, p.Words, MaxWords)

		// An accepted payload must be a JSON object whose words field holds p.Words.
		var back map[string]json.Number
		require.NoError(t, json.Unmarshal(raw, &back))
		n, err := back["words"].Int64()
		require.NoError(t, err)
		require.Equal(t, int64(p.Words), n)
	})
}
