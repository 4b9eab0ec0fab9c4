//go:build integration

package devnet_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devnet"
)

func TestNativeOracleCallsBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"price":"42.17"}`))
	}))
	t.Cleanup(srv.Close)

	c := startChain(t, devnet.Config{
		DataDir:      t.TempDir(),
		BlockTime:    100 * time.Millisecond,
		NativeOracle: true,
		OracleClient: srv.Client(),
	})
	user := neotest.CompileFile(t, c.CommitteeHash(),
		"testdata/oracleuser/oracleuser.go", "testdata/oracleuser/oracleuser.yml")
	h, err := c.Deploy(ctx, "", user.NEF, user.Manifest, nil)
	require.NoError(t, err)

	_, err = c.Invoke(ctx, h, "request", srv.URL+"/price", "$.price")
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		code, err := unwrap.Int64(c.Committee().Call(h, "code"))
		return err == nil && code != -1
	}, 10*time.Second, 50*time.Millisecond, "no oracle callback")

	code, err := unwrap.Int64(c.Committee().Call(h, "code"))
	require.NoError(t, err)
	require.Equal(t, int64(0), code, "oracle response code")
	result, err := unwrap.Bytes(c.Committee().Call(h, "result"))
	require.NoError(t, err)
	require.Equal(t, `["42.17"]`, string(result))
}
