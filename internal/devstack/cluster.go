package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

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
	info, err := ReadInfo(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("attach to the dev chain in %s (start it with servicelayer chain): %w", cfg.DataDir, err)
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
		h, err := util.Uint160DecodeStringLE(trim0x(c.hash))
		if err != nil {
			return fmt.Errorf("contract hash %q in dev.json: %w", c.hash, err)
		}
		*c.dst = h
	}

	keySet, err := s.attachKeys(ctx)
	if err != nil {
		return err
	}
	treasury, err := s.account(treasuryAccount)
	if err != nil {
		return err
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

func trim0x(s string) string {
	if len(s) > 2 && s[:2] == "0x" {
		return s[2:]
	}
	return s
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
