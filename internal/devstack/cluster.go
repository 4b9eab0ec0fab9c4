package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// network holds the chain endpoints services use, whether the chain runs in
// this process or another.
type network struct {
	rpcURL    string
	wsURL     string
	magic     uint32
	blockTime time.Duration
	// client is a WebSocket client shared by the stack's own reads.
	client *rpcclient.WSClient
}

// ExternalChain names a Neo N3 node and the deployed Gateway, for services
// that run against a network other than the dev chain.
type ExternalChain struct {
	// RPCURL is the node's JSON-RPC URL; WSURL its WebSocket endpoint
	// (default RPCURL with ws:// or wss:// and the path /ws).
	RPCURL string
	WSURL  string
	// Gateway is the Gateway contract hash, 0x-prefixed LE hex.
	Gateway string
}

func (e ExternalChain) wsURL() string {
	if e.WSURL != "" {
		return e.WSURL
	}
	u := strings.TrimSuffix(e.RPCURL, "/")
	switch {
	case strings.HasPrefix(u, "https://"):
		u = "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		u = "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u + "/ws"
}

// externalInfo reads the network settings from the node.
func externalInfo(ctx context.Context, e ExternalChain) (Info, error) {
	client, err := rpcclient.New(ctx, e.RPCURL, rpcclient.Options{})
	if err == nil {
		err = client.Init()
	}
	if err != nil {
		return Info{}, fmt.Errorf("connect to %s: %w", e.RPCURL, err)
	}
	defer client.Close()
	version, err := client.GetVersion()
	if err != nil {
		return Info{}, fmt.Errorf("get version of %s: %w", e.RPCURL, err)
	}
	return Info{
		RPCURL:      e.RPCURL,
		WSURL:       e.wsURL(),
		Magic:       uint32(version.Protocol.Network),
		BlockTimeMS: int64(version.Protocol.MillisecondsPerBlock),
		Gateway:     e.Gateway,
		Lottery:     "0x" + util.Uint160{}.StringLE(),
		// The example consumers exist only on the dev chain.
		OracleConsumer: "0x" + util.Uint160{}.StringLE(),
	}, nil
}

// Attach builds the services cfg.Services selects against the chain
// another process started on the same data directory (servicelayer chain
// or dev), as one process of a dev cluster. The chain process must have
// written dev.json, the keys and the dev accounts.
func Attach(ctx context.Context, cfg Config) (*Stack, error) {
	started := time.Now()
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "keys"), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	var info Info
	var err error
	if cfg.External != nil {
		info, err = externalInfo(ctx, *cfg.External)
	} else if info, err = ReadInfo(cfg.DataDir); err != nil {
		err = fmt.Errorf("attach to the dev chain in %s (start it with servicelayer chain): %w", cfg.DataDir, err)
	}
	if err != nil {
		return nil, err
	}

	s := &Stack{cfg: cfg, info: info, started: started, demoCA: cfg.ServerCA}
	if err := s.attach(ctx, info); err != nil {
		s.Close()
		return nil, err
	}
	s.ready = time.Since(started)
	return s, nil
}

func (s *Stack) attach(ctx context.Context, info Info) error {
	client, err := rpcclient.NewWS(ctx, info.WSURL, rpcclient.WSOptions{})
	if err == nil {
		err = client.Init()
	}
	if err != nil {
		return fmt.Errorf("connect to the dev chain at %s: %w", info.WSURL, err)
	}
	s.ownClient = client
	s.net = network{
		rpcURL:    info.RPCURL,
		wsURL:     info.WSURL,
		magic:     info.Magic,
		blockTime: time.Duration(info.BlockTimeMS) * time.Millisecond,
		client:    client,
	}
	for _, c := range []struct {
		hash string
		dst  *util.Uint160
	}{{info.Gateway, &s.gateway}, {info.Lottery, &s.lottery}, {info.OracleConsumer, &s.oracleConsumer}} {
		h, err := binding.ParseHash160(c.hash)
		if err != nil {
			return fmt.Errorf("contract hash in dev.json: %w", err)
		}
		*c.dst = h
	}

	keySet, err := s.attachKeys(ctx)
	if err != nil {
		return err
	}
	var treasury *wallet.Account
	if s.cfg.External == nil {
		if treasury, err = s.account(treasuryAccount); err != nil {
			return err
		}
	}
	return s.buildServices(ctx, keySet, treasury)
}

// attachKeys returns the service keys: from the key files of the data
// directory, or, for a marble, derived from the coordinator's secrets and
// registered on the Gateway.
func (s *Stack) attachKeys(ctx context.Context) (serviceKeySet, error) {
	m := s.cfg.Marble
	if m == nil {
		return loadServiceKeys(s.cfg.DataDir)
	}
	if len(s.cfg.Services) == 0 {
		// A tool such as the demo tour runs no service and needs no keys.
		return serviceKeySet{}, nil
	}
	if len(s.cfg.Services) != 1 || s.cfg.Services[0] != m.Service() {
		return serviceKeySet{}, fmt.Errorf("a marble of type %s runs only its own service, not %v", m.Service(), s.cfg.Services)
	}
	set, err := marbleServiceKeys(m)
	if err != nil {
		return serviceKeySet{}, err
	}
	return set, s.registerMarbleKeys(ctx, m, set)
}

// account returns the dev account called name, from the embedded chain
// or, when attached, from the chain process's wallet.
func (s *Stack) account(name string) (*wallet.Account, error) {
	if s.chain != nil {
		return s.chain.Account(name)
	}
	return devnet.LoadAccount(filepath.Join(s.cfg.DataDir, "chain"), name)
}

// addrDir returns the directory where the services of a dev stack publish
// their mesh addresses, one file per service, for the other processes.
func addrDir(dataDir string) string {
	return filepath.Join(dataDir, "mesh", "addr")
}

// fileResolver finds a service's mesh address in the file it published in
// the data directory, read on every call so a restarted service is found
// at its new port.
type fileResolver struct {
	dir string
}

// Resolve implements mesh.Resolver.
func (r fileResolver) Resolve(_ context.Context, service string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(r.dir, service))
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w (is the service running?)", service, err)
	}
	return string(raw), nil
}

func (r fileResolver) publish(service, addr string) error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fmt.Errorf("publish %s address: %w", service, err)
	}
	return writeFileAtomic(filepath.Join(r.dir, service), []byte(addr), 0o600)
}

// MeshClient returns a mesh client with identity for the services of the
// dev stack on dataDir, with a certificate from the data directory's dev
// CA. Client commands use it with identity "cli".
func MeshClient(dataDir, identity string) (*mesh.Client, error) {
	env, err := newMeshEnv(dataDir)
	if err != nil {
		return nil, err
	}
	cert, err := env.ca.IssueCert(identity)
	if err != nil {
		return nil, fmt.Errorf("issue %s certificate: %w", identity, err)
	}
	return mesh.NewClient(mesh.ClientConfig{
		Service:     identity,
		Certificate: cert,
		Roots:       env.ca.Roots(),
		Resolver:    env.resolver,
	})
}
