package secrets_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestValuesNeverLogged(t *testing.T) {
	f := newFixture(t)
	rawKey := bytes.Repeat([]byte{0x3c, 0x7e}, secrets.KeySize/2)
	key, err := secrets.NewMasterKey(rawKey)
	require.NoError(t, err)
	svc := f.newService(t, key)
	ctx := context.Background()
	values := []string{"sk_live_first_Q9x", "sk_live_second_Z4w"}

	// Run every operation, including each failure path of Resolve, and
	// keep the errors so they can be checked too.
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, v := range values {
		_, err := svc.Put(ctx, ownerA, "api", []byte(v))
		require.NoError(t, err)
	}
	require.NoError(t, svc.Grant(ctx, ownerA, "api", secrets.ServiceSubject("oracle")))
	require.NoError(t, svc.Grant(ctx, ownerA, "api", secrets.ContractSubject(contractX)))
	for _, req := range []secrets.ResolveRequest{
		{Service: "oracle", Owner: ownerA, Name: "api", Contract: contractX},
		{Service: "oracle", Owner: ownerA, Name: "api", Version: 1, Contract: contractX},
		{Service: "compute", Owner: ownerA, Name: "api", Contract: contractX},
		{Service: "oracle", Owner: ownerA, Name: "api", Contract: contractY},
		{Service: "oracle", Owner: ownerA, Name: "api", Version: 9, Contract: contractX},
	} {
		v, _, err := svc.Resolve(ctx, req)
		keep(err)
		f.log.Write([]byte(fmt.Sprintf("%v %+v %s %x\n", v, v, v, v)))
	}
	_, err = svc.Put(ctx, ownerA, "api key", []byte(values[0]))
	keep(err)
	require.NoError(t, svc.DeleteVersion(ctx, ownerA, "api", 2))
	_, _, err = svc.Resolve(ctx, secrets.ResolveRequest{Service: "oracle", Owner: ownerA, Name: "api", Contract: contractX})
	keep(err)
	_, err = svc.Put(ctx, ownerA, "api", []byte("sk_live_third_M1k"))
	require.NoError(t, err)
	f.exec(t, "UPDATE secrets_versions SET ciphertext = wrapped_key WHERE version = 3")
	_, _, err = svc.Resolve(ctx, secrets.ResolveRequest{Service: "oracle", Owner: ownerA, Name: "api", Contract: contractX})
	keep(err)
	require.NoError(t, svc.Delete(ctx, ownerA, "api"))
	require.Len(t, errs, 6)

	logged := f.log.String()
	require.Contains(t, logged, `"name":"api"`, "the log must record names")
	require.Contains(t, logged, `"outcome":"denied"`)
	require.Contains(t, logged, `"outcome":"error"`)
	secretsText := append([]string{"sk_live"}, forms(rawKey)...)
	for _, v := range append(values, "sk_live_third_M1k") {
		secretsText = append(secretsText, forms([]byte(v))...)
	}
	for _, s := range secretsText {
		require.NotContains(t, logged, s)
		for _, err := range errs {
			require.NotContains(t, err.Error(), s)
		}
	}
}

// forms returns the ways a byte string commonly reaches a log: raw, hex
// and base64.
func forms(b []byte) []string {
	return []string{
		string(b),
		hex.EncodeToString(b),
		strings.ToUpper(hex.EncodeToString(b)),
		base64.StdEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b),
	}
}
