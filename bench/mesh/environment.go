package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// Services of the benchmark: the client calls the server.
const (
	serverService = "accountpool"
	clientService = "vrf"
)

// echoRequest and echoResponse make the small call every way sends.
type echoRequest struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
}

type echoResponse struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
}

var (
	echoRoute = mesh.Route{Method: "POST", Path: "/v1/echo", Callers: []string{clientService}}
	signRoute = mesh.Route{Method: "POST", Path: "/v1/sign", Callers: []string{clientService}, Critical: true}
	request   = echoRequest{ID: 42, Text: "hello mesh"}
)

// environment holds the servers and clients of all three ways.
type environment struct {
	dir         string
	plainClient *http.Client
	plainURL    string
	plainServer *http.Server
	meshClient  *mesh.Client
	stopMesh    context.CancelFunc
	meshDone    chan error
}

func newEnvironment(ctx context.Context) (*environment, error) {
	dir, err := os.MkdirTemp("", "bench-mesh-")
	if err != nil {
		return nil, fmt.Errorf("create CA directory: %w", err)
	}
	env := &environment{dir: dir}

	ca, err := mesh.NewDevCA(dir)
	if err != nil {
		env.close()
		return nil, err
	}
	serverCert, err := ca.IssueCert(serverService)
	if err != nil {
		env.close()
		return nil, err
	}
	clientCert, err := ca.IssueCert(clientService)
	if err != nil {
		env.close()
		return nil, err
	}

	if err := env.startPlain(ca, serverCert, clientCert); err != nil {
		env.close()
		return nil, err
	}
	if err := env.startMesh(ctx, ca, serverCert, clientCert); err != nil {
		env.close()
		return nil, err
	}

	return env, nil
}

// startPlain starts the baseline: a net/http TLS 1.3 server that requires
// the same client certificate, and a keep-alive client.
func (e *environment) startPlain(ca *mesh.DevCA, serverCert, clientCert tls.Certificate) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	e.plainURL = "https://" + l.Addr().String() + echoRoute.Path
	e.plainServer = &http.Server{
		Handler: http.HandlerFunc(plainEcho),
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS13,
			Certificates: []tls.Certificate{serverCert},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    ca.Roots(),
		},
	}
	go func() { _ = e.plainServer.ServeTLS(l, "", "") }()

	e.plainClient = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{
			MinVersion:   tls.VersionTLS13,
			Certificates: []tls.Certificate{clientCert},
			RootCAs:      ca.Roots(),
			ServerName:   "localhost",
		},
		// The mesh client speaks HTTP/1.1 with keep-alive, so the baseline
		// does too.
		ForceAttemptHTTP2:   false,
		MaxIdleConnsPerHost: 64,
	}}

	return nil
}

// plainEcho decodes and encodes the same JSON as the mesh handler.
func plainEcho(w http.ResponseWriter, r *http.Request) {
	var in echoRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}

	out, _ := json.Marshal(echoResponse(in))
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (e *environment) startMesh(ctx context.Context, ca *mesh.DevCA, serverCert, clientCert tls.Certificate) error {
	handler := func(_ context.Context, _ *mesh.Request, in echoRequest) (echoResponse, error) {
		return echoResponse(in), nil
	}
	srv, err := mesh.NewServer(mesh.ServerConfig{
		Service:     serverService,
		Certificate: serverCert,
		Roots:       ca.Roots(),
		Endpoints:   []mesh.Endpoint{mesh.Handle(echoRoute, handler), mesh.Handle(signRoute, handler)},
	})
	if err != nil {
		return err
	}
	addr, err := srv.Listen()
	if err != nil {
		return err
	}

	runCtx, stop := context.WithCancel(ctx)
	e.stopMesh = stop
	e.meshDone = make(chan error, 1)
	go func() { e.meshDone <- srv.Run(runCtx) }()

	resolver, err := mesh.NewStaticResolver(map[string]string{serverService: addr.String()})
	if err != nil {
		return err
	}
	e.meshClient, err = mesh.NewClient(mesh.ClientConfig{
		Service:     clientService,
		Certificate: clientCert,
		Roots:       ca.Roots(),
		Resolver:    resolver,
	})

	return err
}

func (e *environment) plain(ctx context.Context) error {
	body, _ := json.Marshal(request)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.plainURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")

	resp, err := e.plainClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("plain call: status %d", resp.StatusCode)
	}
	var out echoResponse

	return checkEcho(json.Unmarshal(raw, &out), out)
}

func (e *environment) mesh(ctx context.Context) error {
	var out echoResponse
	err := e.meshClient.Call(ctx, serverService, echoRoute, request, &out)

	return checkEcho(err, out)
}

func (e *environment) meshSigned(ctx context.Context) error {
	var out echoResponse
	err := e.meshClient.Call(ctx, serverService, signRoute, request, &out)

	return checkEcho(err, out)
}

func checkEcho(err error, out echoResponse) error {
	if err != nil {
		return err
	}
	if out != echoResponse(request) {
		return errors.New("echo response differs from the request")
	}

	return nil
}

func (e *environment) close() {
	if e.plainServer != nil {
		_ = e.plainServer.Close()
	}
	if e.stopMesh != nil {
		e.stopMesh()
		<-e.meshDone
	}
	_ = os.RemoveAll(e.dir)
}
