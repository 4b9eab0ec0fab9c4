package mesh_test

import (
	"context"
	"crypto"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

var signRoute = mesh.Route{Method: "POST", Path: "/v1/sign", Callers: []string{"vrf"}, Critical: true}

func signEndpoint(runs *counter) mesh.Endpoint {
	return mesh.Handle(signRoute, func(context.Context, *mesh.Request, echoIn) (echoOut, error) {
		runs.n.Add(1)
		return echoOut{Text: "signed"}, nil
	})
}

func TestCriticalCallSigned(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})

	var out echoOut
	err := m.client(t, "vrf").Call(context.Background(), "accountpool", signRoute, echoIn{Text: "tx"}, &out)

	require.NoError(t, err)
	require.Equal(t, "signed", out.Text)
	require.Equal(t, int64(1), runs.load())
}

func TestCriticalCallSignatureChecks(t *testing.T) {
	const body = `{"text":"tx"}`
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})
	vrfCert := m.cert(t, "vrf")
	raw := m.rawClient(t, vrfCert)
	key := vrfCert.PrivateKey.(crypto.Signer)
	signed := func(t *testing.T, callee, signedBody string, at time.Time) string {
		t.Helper()
		header, err := mesh.SignForTest(key, "vrf", callee, signRoute, []byte(signedBody), "", at)
		require.NoError(t, err)
		return header
	}
	otherKey := m.cert(t, "vrf").PrivateKey.(crypto.Signer)
	otherKeyHeader, err := mesh.SignForTest(otherKey, "vrf", "accountpool", signRoute, []byte(body), "", time.Now())
	require.NoError(t, err)
	tests := []struct {
		name     string
		header   string
		wantCode mesh.Code
	}{
		{name: "missing", wantCode: mesh.ErrSignatureMissing},
		{name: "malformed", header: "v=1, t=1", wantCode: mesh.ErrSignatureInvalid},
		{name: "stale", header: signed(t, "accountpool", body, time.Now().Add(-31*time.Second)),
			wantCode: mesh.ErrSignatureExpired},
		{name: "from the future", header: signed(t, "accountpool", body, time.Now().Add(time.Minute)),
			wantCode: mesh.ErrSignatureExpired},
		{name: "other body", header: signed(t, "accountpool", `{"text":"other"}`, time.Now()),
			wantCode: mesh.ErrSignatureInvalid},
		{name: "signed for another service", header: signed(t, "secrets", body, time.Now()),
			wantCode: mesh.ErrSignatureInvalid},
		{name: "key not in the client certificate", header: otherKeyHeader, wantCode: mesh.ErrSignatureInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := jsonHeader("vrf")
			if tc.header != "" {
				header.Set(mesh.SignatureHeader, tc.header)
			}

			status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", header, body)

			require.Equal(t, http.StatusUnauthorized, status)
			require.Equal(t, tc.wantCode, code)
		})
	}
	require.Equal(t, int64(0), runs.load())
}

func TestCriticalCallReplayRejected(t *testing.T) {
	const body = `{"text":"tx"}`
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(runs)})
	vrfCert := m.cert(t, "vrf")
	raw := m.rawClient(t, vrfCert)
	header := jsonHeader("vrf")
	sig, err := mesh.SignForTest(vrfCert.PrivateKey.(crypto.Signer), "vrf", "accountpool", signRoute,
		[]byte(body), "", time.Now())
	require.NoError(t, err)
	header.Set(mesh.SignatureHeader, sig)

	status, _, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", header, body)
	require.Equal(t, http.StatusOK, status)

	status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/sign", header, body)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, mesh.ErrSignatureReplayed, code)
	require.Equal(t, int64(1), runs.load())
}

func TestCriticalCallClockSkewRejected(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{signEndpoint(&counter{})})
	c := m.client(t, "vrf", func(cfg *mesh.ClientConfig) {
		cfg.Now = func() time.Time { return time.Now().Add(-time.Minute) }
	})

	err := c.Call(context.Background(), "accountpool", signRoute, echoIn{}, nil)

	require.ErrorIs(t, err, mesh.ErrSignatureExpired)
}
