package secrets

import (
	"bytes"
	"crypto/rand"
	mathrand "math/rand/v2"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"
)

func testKey(t testing.TB, b byte) MasterKey {
	t.Helper()
	k, err := NewMasterKey(bytes.Repeat([]byte{b}, KeySize))
	require.NoError(t, err)
	return k
}

func TestEnvelopeRoundTrip(t *testing.T) {
	key := testKey(t, 1)
	at := slot{Owner: util.Uint160{1}, Name: "api", Version: 3}
	value := []byte("sk_live_0123456789")

	e, err := seal(key, rand.Reader, at, value)
	require.NoError(t, err)
	require.Equal(t, key.ID(), e.KeyID)
	require.NotContains(t, string(e.Ciphertext), "sk_live")
	require.Len(t, e.WrappedKey, nonceSize+KeySize+16)
	require.Len(t, e.Ciphertext, nonceSize+len(value)+16)

	got, err := open(key, at, e)
	require.NoError(t, err)
	require.Equal(t, value, got)

	again, err := seal(key, rand.Reader, at, value)
	require.NoError(t, err)
	require.NotEqual(t, e.WrappedKey, again.WrappedKey, "each version needs a fresh data key and nonce")
	require.NotEqual(t, e.Ciphertext, again.Ciphertext)
}

func TestEnvelopeBindsSlot(t *testing.T) {
	key := testKey(t, 1)
	at := slot{Owner: util.Uint160{1}, Name: "api", Version: 3}
	e, err := seal(key, rand.Reader, at, []byte("value"))
	require.NoError(t, err)

	tests := []struct {
		name string
		at   slot
	}{
		{name: "other owner", at: slot{Owner: util.Uint160{2}, Name: "api", Version: 3}},
		{name: "other name", at: slot{Owner: util.Uint160{1}, Name: "apj", Version: 3}},
		{name: "other version", at: slot{Owner: util.Uint160{1}, Name: "api", Version: 4}},
		{name: "name shifted into version", at: slot{Owner: util.Uint160{1}, Name: "ap", Version: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := open(key, tc.at, e)
			require.ErrorIs(t, err, ErrUndecryptable)
		})
	}
}

func TestEnvelopeRejectsTampering(t *testing.T) {
	key := testKey(t, 1)
	at := slot{Owner: util.Uint160{1}, Name: "api", Version: 1}
	e, err := seal(key, rand.Reader, at, []byte("value"))
	require.NoError(t, err)

	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name string
		e    sealed
		want string
	}{
		{name: "wrapped key nonce", e: sealed{KeyID: e.KeyID, WrappedKey: flip(e.WrappedKey, 0), Ciphertext: e.Ciphertext}, want: "unwrap"},
		{name: "wrapped key tag", e: sealed{KeyID: e.KeyID, WrappedKey: flip(e.WrappedKey, len(e.WrappedKey)-1), Ciphertext: e.Ciphertext}, want: "unwrap"},
		{name: "ciphertext body", e: sealed{KeyID: e.KeyID, WrappedKey: e.WrappedKey, Ciphertext: flip(e.Ciphertext, nonceSize)}, want: "decrypt value"},
		{name: "truncated ciphertext", e: sealed{KeyID: e.KeyID, WrappedKey: e.WrappedKey, Ciphertext: e.Ciphertext[:nonceSize+3]}, want: "shorter than nonce and tag"},
		{name: "value and key swapped", e: sealed{KeyID: e.KeyID, WrappedKey: e.Ciphertext, Ciphertext: e.WrappedKey}, want: "unwrap"},
		{name: "other key id", e: sealed{KeyID: "0000000000000000", WrappedKey: e.WrappedKey, Ciphertext: e.Ciphertext}, want: "sealed under master key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := open(key, at, tc.e)
			require.ErrorIs(t, err, ErrUndecryptable)
			require.ErrorContains(t, err, tc.want)
		})
	}

	other := testKey(t, 2)
	_, err = open(other, at, sealed{KeyID: other.ID(), WrappedKey: e.WrappedKey, Ciphertext: e.Ciphertext})
	require.ErrorIs(t, err, ErrUndecryptable, "another master key must not unwrap")
}

func TestEnvelopePurposesDiffer(t *testing.T) {
	at := slot{Owner: util.Uint160{1}, Name: "api", Version: 1}
	require.NotEqual(t, at.aad(purposeValue), at.aad(purposeDataKey))
}

func FuzzOpen(f *testing.F) {
	key := testKey(f, 1)
	at := slot{Owner: util.Uint160{1}, Name: "api", Version: 1}
	// A fixed random source makes every fuzz worker seal the same
	// envelope, so the seed below is valid in each of them.
	e, err := seal(key, mathrand.NewChaCha8([32]byte{}), at, []byte("value"))
	require.NoError(f, err)
	f.Add(e.WrappedKey, e.Ciphertext)
	f.Add([]byte{}, []byte{})
	f.Add(make([]byte, 60), make([]byte, 28))

	f.Fuzz(func(t *testing.T, wrapped, ciphertext []byte) {
		got, err := open(key, at, sealed{KeyID: key.ID(), WrappedKey: wrapped, Ciphertext: ciphertext})
		if bytes.Equal(wrapped, e.WrappedKey) && bytes.Equal(ciphertext, e.Ciphertext) {
			require.NoError(t, err)
			require.Equal(t, []byte("value"), got)
			return
		}
		require.ErrorIs(t, err, ErrUndecryptable, "forged envelope opened")
	})
}
