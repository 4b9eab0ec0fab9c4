package mesh

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func testFields() signedFields {
	return signedFields{
		caller:         "vrf",
		callee:         "accountpool",
		method:         "POST",
		path:           "/v1/sign",
		body:           []byte(`{"tx":"00"}`),
		idempotencyKey: "fulfil-42",
	}
}

func testKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	return key
}

func TestSignVerify(t *testing.T) {
	key := testKey(t)
	f := testFields()

	sig, err := sign(key, f, time.UnixMilli(1_700_000_000_123), rand.Reader)
	require.NoError(t, err)

	require.Equal(t, int64(1_700_000_000_123), sig.signedAt)
	require.True(t, verify(&key.PublicKey, f, sig))
}

func TestVerifyRejectsChangedField(t *testing.T) {
	key := testKey(t)
	sig, err := sign(key, testFields(), time.Now(), rand.Reader)
	require.NoError(t, err)

	tests := []struct {
		name   string
		change func(f *signedFields, s *signature)
	}{
		{name: "caller", change: func(f *signedFields, _ *signature) { f.caller = "oracle" }},
		{name: "callee", change: func(f *signedFields, _ *signature) { f.callee = "secrets" }},
		{name: "method", change: func(f *signedFields, _ *signature) { f.method = "PUT" }},
		{name: "path", change: func(f *signedFields, _ *signature) { f.path = "/v1/transfer" }},
		{name: "body", change: func(f *signedFields, _ *signature) { f.body = []byte(`{"tx":"01"}`) }},
		{name: "idempotency key", change: func(f *signedFields, _ *signature) { f.idempotencyKey = "fulfil-43" }},
		{name: "time", change: func(_ *signedFields, s *signature) { s.signedAt++ }},
		{name: "nonce", change: func(_ *signedFields, s *signature) { s.nonce[0] ^= 1 }},
		{name: "signature", change: func(_ *signedFields, s *signature) { s.sig[63] ^= 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := testFields()
			s := signature{signedAt: sig.signedAt, nonce: bytes.Clone(sig.nonce), sig: bytes.Clone(sig.sig)}
			tc.change(&f, &s)

			require.False(t, verify(&key.PublicKey, f, s))
		})
	}
}

func TestVerifyRejectsOtherKey(t *testing.T) {
	sig, err := sign(testKey(t), testFields(), time.Now(), rand.Reader)
	require.NoError(t, err)

	require.False(t, verify(&testKey(t).PublicKey, testFields(), sig))
}

func TestSignRejectsOtherCurve(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)

	_, err = sign(key, testFields(), time.Now(), rand.Reader)
	require.ErrorContains(t, err, "not ECDSA P-256")
}

func TestSignatureHeaderRoundTrip(t *testing.T) {
	sig, err := sign(testKey(t), testFields(), time.Now(), rand.Reader)
	require.NoError(t, err)

	header := sig.format()
	got, err := parseSignature(header)
	require.NoError(t, err)

	require.Equal(t, sig, got)
	require.True(t, strings.HasPrefix(header, "v=1, t="), header)
}

func TestParseSignatureRejects(t *testing.T) {
	nonce := "AAAAAAAAAAAAAAAAAAAAAA"
	sig := strings.Repeat("A", 86)
	tests := []struct {
		name  string
		value string
	}{
		{name: "empty", value: ""},
		{name: "missing sig", value: "v=1, t=1, n=" + nonce},
		{name: "unknown parameter", value: "v=1, t=1, n=" + nonce + ", sig=" + sig + ", x=1"},
		{name: "repeated parameter", value: "v=1, t=1, t=2, n=" + nonce + ", sig=" + sig},
		{name: "version 2", value: "v=2, t=1, n=" + nonce + ", sig=" + sig},
		{name: "negative time", value: "v=1, t=-1, n=" + nonce + ", sig=" + sig},
		{name: "leading zero time", value: "v=1, t=01, n=" + nonce + ", sig=" + sig},
		{name: "time too long", value: "v=1, t=1234567890123456, n=" + nonce + ", sig=" + sig},
		{name: "short nonce", value: "v=1, t=1, n=AAAA, sig=" + sig},
		{name: "padded nonce", value: "v=1, t=1, n=" + nonce + "==, sig=" + sig},
		{name: "standard base64", value: "v=1, t=1, n=" + nonce + ", sig=" + strings.Repeat("+", 86)},
		{name: "short signature", value: "v=1, t=1, n=" + nonce + ", sig=AAAA"},
		{name: "no equals", value: "v=1, t, n=" + nonce + ", sig=" + sig},
		{name: "too long", value: strings.Repeat("v=1,", 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSignature(tc.value)
			require.Error(t, err)
		})
	}
}

func TestParseSignatureAcceptsAnyOrderAndSpacing(t *testing.T) {
	nonce := "AAAAAAAAAAAAAAAAAAAAAA"
	sig := strings.Repeat("A", 86)

	got, err := parseSignature("sig=" + sig + ",n=" + nonce + ",\tt=5 , v=1")
	require.NoError(t, err)
	require.Equal(t, int64(5), got.signedAt)
}

func FuzzParseSignature(f *testing.F) {
	f.Add("v=1, t=1700000000123, n=AAAAAAAAAAAAAAAAAAAAAA, sig=" + strings.Repeat("A", 86))
	f.Add("v=1,t=0,n=AAAAAAAAAAAAAAAAAAAAAA,sig=" + strings.Repeat("_", 86))
	f.Add("v=1, t=1, t=1")
	f.Add("=,=,=,=")
	f.Fuzz(func(t *testing.T, value string) {
		s, err := parseSignature(value)
		if err != nil {
			return
		}

		require.Len(t, s.nonce, nonceBytes)
		require.Len(t, s.sig, signatureBytes)
		require.GreaterOrEqual(t, s.signedAt, int64(0))
		again, err := parseSignature(s.format())
		require.NoError(t, err)
		require.Equal(t, s, again)
	})
}
