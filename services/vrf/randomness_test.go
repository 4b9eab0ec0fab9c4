package vrf

import (
	"bytes"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"
)

func TestAlphaBindsEveryInput(t *testing.T) {
	base := AlphaInput{
		Magic:     1,
		Gateway:   util.Uint160{1},
		RequestID: 7,
		Requester: util.Uint160{2},
		BlockHash: util.Uint256{3},
	}
	changed := []struct {
		name string
		edit func(*AlphaInput)
	}{
		{name: "magic", edit: func(a *AlphaInput) { a.Magic = 2 }},
		{name: "gateway", edit: func(a *AlphaInput) { a.Gateway[19] = 9 }},
		{name: "request id", edit: func(a *AlphaInput) { a.RequestID = 8 }},
		{name: "requester", edit: func(a *AlphaInput) { a.Requester[0] = 9 }},
		{name: "block hash", edit: func(a *AlphaInput) { a.BlockHash[31] = 9 }},
	}
	want := Alpha(base)
	require.Equal(t, want, Alpha(base), "alpha is not deterministic")
	for _, tc := range changed {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			require.NotEqual(t, want, Alpha(in))
		})
	}
}

func TestExpandWords(t *testing.T) {
	beta := bytes.Repeat([]byte{0xab}, 32)
	words := ExpandWords(beta, 3)
	require.Len(t, words, 3)
	for _, w := range words {
		require.Len(t, w, WordSize)
	}
	require.NotEqual(t, words[0], words[1])
	require.Equal(t, words[:2], ExpandWords(beta, 2), "a prefix of the words must not depend on the count")
	require.NotEqual(t, words[0], ExpandWords(bytes.Repeat([]byte{0xac}, 32), 1)[0])
}

func TestResultRoundTrip(t *testing.T) {
	r := Result{
		PublicKey: bytes.Repeat([]byte{2}, PublicKeySize),
		Proof:     bytes.Repeat([]byte{3}, ProofSize),
		Words:     ExpandWords([]byte("beta"), 4),
	}
	raw := r.Bytes()
	require.Len(t, raw, 114+4*WordSize)

	got, err := ParseResult(raw)
	require.NoError(t, err)
	require.Equal(t, r, got)
}

func TestParseResultRejects(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantErr string
	}{
		{name: "empty", size: 0, wantErr: "0 bytes, want at least 146"},
		{name: "no words", size: 114, wantErr: "want at least 146"},
		{name: "partial word", size: 114 + 33, wantErr: "33 bytes of words is not a multiple of 32"},
		{name: "too many words", size: 114 + 501*32, wantErr: "501 words, max 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseResult(make([]byte, tc.size))
			require.ErrorIs(t, err, ErrInvalidResult)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func FuzzParseResult(f *testing.F) {
	f.Add(make([]byte, 146))
	f.Add(make([]byte, 147))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := ParseResult(raw)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidResult)
			return
		}
		require.Equal(t, raw, r.Bytes())
	})
}
