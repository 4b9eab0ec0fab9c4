package ecvrf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// seededReader returns a deterministic random source for key generation.
func seededReader(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

func TestNewPrivateKey(t *testing.T) {
	orderBytes := scalarBytes(order)
	orderMinusOne := scalarBytes(new(big.Int).Sub(order, big.NewInt(1)))
	tests := []struct {
		name    string
		scalar  []byte
		wantErr string
	}{
		{name: "one", scalar: scalarBytes(big.NewInt(1))},
		{name: "q minus one", scalar: orderMinusOne},
		{name: "empty", scalar: nil, wantErr: "scalar is 0 bytes, want 32"},
		{name: "short", scalar: make([]byte, 31), wantErr: "scalar is 31 bytes, want 32"},
		{name: "long", scalar: make([]byte, 33), wantErr: "scalar is 33 bytes, want 32"},
		{name: "zero", scalar: make([]byte, 32), wantErr: "scalar is not in [1, q-1]"},
		{name: "group order", scalar: orderBytes, wantErr: "scalar is not in [1, q-1]"},
		{name: "all ones", scalar: bytes.Repeat([]byte{0xff}, 32), wantErr: "scalar is not in [1, q-1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := NewPrivateKey(tc.scalar)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidPrivateKey)
				require.ErrorContains(t, err, tc.wantErr)
				require.Nil(t, key)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.scalar, key.Bytes())
		})
	}
}

func TestNewPrivateKeyCopiesScalar(t *testing.T) {
	scalar := scalarBytes(big.NewInt(7))
	key, err := NewPrivateKey(scalar)
	require.NoError(t, err)

	scalar[31] = 8
	require.Equal(t, scalarBytes(big.NewInt(7)), key.Bytes())
}

func TestGenerateKeyDeterministicReader(t *testing.T) {
	first, err := GenerateKey(seededReader(1))
	require.NoError(t, err)
	again, err := GenerateKey(seededReader(1))
	require.NoError(t, err)
	other, err := GenerateKey(seededReader(2))
	require.NoError(t, err)

	require.Equal(t, first.Bytes(), again.Bytes(), "same seed, same key")
	require.NotEqual(t, first.Bytes(), other.Bytes(), "other seed, other key")
	require.Equal(t, first.Public().Bytes(), again.Public().Bytes())
}

func TestGenerateKeySkipsOutOfRangeScalars(t *testing.T) {
	want := scalarBytes(big.NewInt(42))
	stream := append(make([]byte, 32), bytes.Repeat([]byte{0xff}, 32)...)
	stream = append(stream, want...)

	key, err := GenerateKey(bytes.NewReader(stream))
	require.NoError(t, err)
	require.Equal(t, want, key.Bytes(), "zero and all-ones draws are rejected")
}

func TestGenerateKeyErrors(t *testing.T) {
	readErr := errors.New("entropy gone")
	_, err := GenerateKey(iotest.ErrReader(readErr))
	require.ErrorIs(t, err, readErr)
	require.ErrorContains(t, err, "read random scalar")

	_, err = GenerateKey(bytes.NewReader(make([]byte, 128*32)))
	require.ErrorContains(t, err, "returned 128 scalars outside [1, q-1]")
}

func TestGenerateKeyNilUsesCryptoRand(t *testing.T) {
	key, err := GenerateKey(nil)
	require.NoError(t, err)
	require.Len(t, key.Public().Bytes(), PublicKeySize)
}

func TestParsePublicKey(t *testing.T) {
	valid := mustHex(t, "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6")
	key, err := NewPrivateKey(scalarBytes(big.NewInt(3)))
	require.NoError(t, err)
	uncompressed := append([]byte{0x04}, scalarBytes(key.Public().y.x)...)
	uncompressed = append(uncompressed, scalarBytes(key.Public().y.y)...)

	// x = p is not a field element; xOffCurve has no y on P-256.
	xIsPrime := append([]byte{0x02}, curve.Params().P.FillBytes(make([]byte, 32))...)
	xOffCurve := append([]byte{0x02}, scalarBytes(firstXOffCurve(t))...)

	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{name: "valid odd y", in: valid},
		{name: "valid generated key", in: key.Public().Bytes()},
		{name: "empty", in: nil, wantErr: "point is 0 bytes, want 33"},
		{name: "identity", in: []byte{0x00}, wantErr: "point is 1 bytes, want 33"},
		{name: "short", in: valid[:32], wantErr: "point is 32 bytes, want 33"},
		{name: "long", in: append(bytes.Clone(valid), 0x00), wantErr: "point is 34 bytes, want 33"},
		{name: "uncompressed", in: uncompressed, wantErr: "point is 65 bytes, want 33"},
		{name: "prefix 0x04", in: append([]byte{0x04}, valid[1:]...), wantErr: "not in compressed form"},
		{name: "prefix 0x00", in: append([]byte{0x00}, valid[1:]...), wantErr: "not in compressed form"},
		{name: "x equals p", in: xIsPrime, wantErr: "not on P-256"},
		{name: "x not on curve", in: xOffCurve, wantErr: "not on P-256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ParsePublicKey(tc.in)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidPublicKey)
				require.ErrorContains(t, err, tc.wantErr)
				require.Nil(t, pk)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.in, pk.Bytes())
			require.Equal(t, hex.EncodeToString(tc.in), pk.String())
		})
	}
}

// firstXOffCurve returns the smallest x >= 0 for which x^3 - 3x + b is not a
// square modulo p, so no point of P-256 has that x.
func firstXOffCurve(t *testing.T) *big.Int {
	t.Helper()
	params := curve.Params()
	for x := big.NewInt(0); x.Cmp(big.NewInt(100)) < 0; x.Add(x, big.NewInt(1)) {
		rhs := new(big.Int).Exp(x, big.NewInt(3), params.P)
		rhs.Sub(rhs, new(big.Int).Mul(big.NewInt(3), x))
		rhs.Add(rhs, params.B)
		rhs.Mod(rhs, params.P)
		if big.Jacobi(rhs, params.P) == -1 {
			return x
		}
	}
	t.Fatal("no x below 100 is off the curve")
	return nil
}

func TestPublicKeyBytesIsCopy(t *testing.T) {
	key, err := GenerateKey(seededReader(3))
	require.NoError(t, err)
	want := key.Public().Bytes()

	key.Public().Bytes()[5] ^= 0xff
	require.Equal(t, want, key.Public().Bytes())
}

func TestPrivateKeyRedacted(t *testing.T) {
	key, err := NewPrivateKey(mustHex(t, "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"))
	require.NoError(t, err)
	secretForms := secretRenderings(key)

	type holder struct {
		key  PrivateKey
		Key  *PrivateKey
		Copy PrivateKey
	}
	nested := holder{key: *key, Key: key, Copy: *key}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%X", "%q"}
	for _, verb := range verbs {
		for _, value := range []any{key, *key, nested, &nested} {
			out := fmt.Sprintf(verb, value)
			for _, secret := range secretForms {
				require.NotContains(t, strings.ToLower(out), secret, "fmt %s printed the scalar", verb)
			}
		}
	}
	require.Equal(t, "[redacted]", key.String())

	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("key loaded", "key", key, "copy", *key)
	for _, secret := range secretForms {
		require.NotContains(t, strings.ToLower(logged.String()), secret, "slog printed the scalar")
	}
	require.Contains(t, logged.String(), key.Public().String(), "slog shows the public key")
}

// secretRenderings returns the scalar as fmt could print it: hex, decimal
// and the decimal bytes of a []byte.
func secretRenderings(key *PrivateKey) []string {
	scalar := key.Bytes()
	return []string{
		hex.EncodeToString(scalar),
		new(big.Int).SetBytes(scalar).String(),
		strings.Trim(fmt.Sprint(scalar), "[]"),
	}
}
