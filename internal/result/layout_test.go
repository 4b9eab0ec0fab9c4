package result_test

import (
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

func TestMessageLayout(t *testing.T) {
	gateway := util.Uint160{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
		0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14}

	want := []byte("neo-service-layer/v1")
	want = append(want, 0x4e, 0x45, 0x4f, 0x33) // magic 0x334f454e, little-endian
	want = append(want, gateway.BytesBE()...)
	want = append(want, 2, 0, 0, 0, 0x80, 0x00) // id 128: two bytes, sign byte last
	want = append(want, 3, 0, 0, 0, 'v', 'r', 'f')
	want = append(want, 0x23)
	want = append(want, 0, 0, 0, 0)

	got := result.Message(0x334f454e, gateway, 128, "vrf", result.Expired, nil)
	require.Equal(t, want, got)
}

func TestMessageNegativeID(t *testing.T) {
	got := result.Message(1, util.Uint160{}, -1, "", result.Success, nil)

	idField := got[len(result.Domain)+4+util.Uint160Size:][:5]
	require.Equal(t, []byte{1, 0, 0, 0, 0xff}, idField, "id -1 is one byte 0xff")
}

func TestVerify(t *testing.T) {
	key, err := keys.NewPrivateKey()
	require.NoError(t, err)
	other, err := keys.NewPrivateKey()
	require.NoError(t, err)
	msg := result.Message(42, util.Uint160{1}, 5, "vrf", result.Success, []byte{1, 2, 3})
	sig := result.Sign(key, msg)

	tampered := append([]byte(nil), msg...)
	tampered[len(tampered)-1] ^= 1

	tests := []struct {
		name string
		pub  *keys.PublicKey
		msg  []byte
		sig  []byte
		want bool
	}{
		{name: "valid", pub: key.PublicKey(), msg: msg, sig: sig, want: true},
		{name: "other key", pub: other.PublicKey(), msg: msg, sig: sig, want: false},
		{name: "changed result", pub: key.PublicKey(), msg: tampered, sig: sig, want: false},
		{name: "short signature", pub: key.PublicKey(), msg: msg, sig: sig[:63], want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Len(t, sig, result.SignatureLen)
			require.Equal(t, tc.want, result.Verify(tc.pub, tc.msg, tc.sig))
		})
	}
}
