package enclave_test

import (
	"bytes"
	"crypto/elliptic"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

func TestDeriveP256Scalar(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)

	sign, err := enclave.DeriveP256Scalar(secret, "vrf/signing")
	require.NoError(t, err)
	again, err := enclave.DeriveP256Scalar(secret, "vrf/signing")
	require.NoError(t, err)
	prove, err := enclave.DeriveP256Scalar(secret, "vrf/proving")
	require.NoError(t, err)

	// The vector matches an independent HKDF-SHA256 computation. A change
	// here changes every deployed service key.
	require.Equal(t, "8f484694fa897feb698c7025b98749f1bd512798a0db2aa11038be473981272b", hex.EncodeToString(sign))
	require.Len(t, sign, 32)
	require.Equal(t, sign, again)
	require.NotEqual(t, sign, prove)
	k := new(big.Int).SetBytes(sign)
	require.Positive(t, k.Sign())
	require.Negative(t, k.Cmp(elliptic.P256().Params().N))
	_, err = ecvrf.NewPrivateKey(prove)
	require.NoError(t, err)
}

func TestDeriveP256ScalarRejects(t *testing.T) {
	_, err := enclave.DeriveP256Scalar(make([]byte, 31), "label")
	require.ErrorContains(t, err, "secret is 31 bytes, want at least 32")

	_, err = enclave.DeriveP256Scalar(make([]byte, 32), "")
	require.ErrorContains(t, err, "empty label")
}
