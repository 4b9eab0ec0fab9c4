package mesh_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func benchmarkCall(b *testing.B, route mesh.Route) {
	m := newTestMesh(b)
	m.startServer(b, "accountpool", []mesh.Endpoint{mesh.Handle(route, echo)})
	c := m.client(b, "vrf")
	ctx := context.Background()
	in := echoIn{Text: "hello mesh"}

	var out echoOut
	for b.Loop() {
		if err := c.Call(ctx, "accountpool", route, in, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCall(b *testing.B) {
	benchmarkCall(b, echoRoute)
}

func BenchmarkCallSigned(b *testing.B) {
	route := echoRoute
	route.Path = "/v1/echo-signed"
	route.Critical = true
	benchmarkCall(b, route)
}

// BenchmarkPlainTLS is the baseline for BenchmarkCall: the same JSON call
// over a net/http TLS 1.3 server and client with the same certificates.
func BenchmarkPlainTLS(b *testing.B) {
	m := newTestMesh(b)
	handler := func(w http.ResponseWriter, r *http.Request) {
		var in echoIn
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		out, _ := json.Marshal(echoOut{Text: in.Text, Caller: "vrf"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(handler))
	srv.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{m.cert(b, "accountpool")},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    m.ca.Roots(),
	}
	srv.StartTLS()
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{m.cert(b, "vrf")},
		RootCAs:      m.ca.Roots(),
		ServerName:   "localhost",
	}}}
	body, _ := json.Marshal(echoIn{Text: "hello mesh"})

	for b.Loop() {
		resp, err := client.Post(srv.URL+"/v1/echo", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var out echoOut
		err = json.NewDecoder(resp.Body).Decode(&out)
		_ = resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}
