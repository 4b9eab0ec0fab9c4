package devstack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/contracts"
	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/enclave"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

const (
	// expiryBlocks is the number of blocks a dev request waits for its
	// fulfilment before anyone may expire it.
	expiryBlocks = 100
	// treasuryGAS and userGAS are the balances dev accounts are topped up
	// to. The treasury funds the AccountPool accounts that pay service fees.
	treasuryGAS = 10_000 * devnet.OneGAS
	userGAS     = 1000 * devnet.OneGAS
	// userAccount names the dev account that examples and the demo use.
	userAccount = "user"
)

// devAttestation replaces attestation evidence in dev, where no enclave
// runs. Its SHA-256 is registered with each service key.
const devAttestation = "servicelayer dev: no enclave, no attestation"

// Config selects where and how the dev stack runs.
type Config struct {
	// DataDir holds the chain, keys and databases (default DefaultDataDir).
	DataDir string
	// Services names the services this process runs (default nil: all of
	// AllServices). An empty, non-nil list runs none, as the chain process
	// of a dev cluster does.
	Services []string
	// PostgresDSN, when set, stores every service in PostgreSQL, one
	// schema per service, instead of SQLite files in DataDir.
	PostgresDSN string
	// PostgresSchemaPrefix prefixes each service's schema name (default
	// none), so several stacks can share one database.
	PostgresSchemaPrefix string
	// Marble, when set, is the MarbleRun activation of the one service this
	// process runs (Attach only): its mesh identity and keys come from the
	// coordinator instead of the dev CA and key files.
	Marble *enclave.Marble
	// External, when set, points Attach at any Neo N3 node and Gateway
	// instead of the dev chain of DataDir: dev conveniences are off (no
	// loopback oracle fetches, no demo CA, no treasury, no key
	// registration by the dev committee).
	External *ExternalChain
	// Discovery, when set, finds services by a host:port template with one
	// %s for the service name, such as "%s.servicelayer.svc:8443" on
	// Kubernetes, instead of the files in DataDir.
	Discovery string
	// MeshAddr is the listen address of this process's mesh servers
	// (default 127.0.0.1:0, a free loopback port).
	MeshAddr string
	// BlockTime is the block interval (default 1s).
	BlockTime time.Duration
	// Log receives every component's logs (default slog.Default()).
	Log *slog.Logger
	// ServerCA is the CA of the demo HTTPS server, which the dev oracle
	// trusts next to the system roots (default a new CA per Start).
	ServerCA *demo.ServerCA
	// NativeOracle also runs neo-go's native oracle service on the chain,
	// for comparisons with our oracle (default off).
	NativeOracle bool
	// NativeOracleClient is the native oracle's HTTP client and sets the
	// roots it trusts (default nil selects neo-go's own client, which
	// trusts only the system roots).
	NativeOracleClient *http.Client
}

// Stack is a running dev stack. Create it with Start, run the services
// with Run, and release it with Close.
type Stack struct {
	cfg Config
	// chain is the embedded chain, nil when the stack attached to the
	// chain of another process.
	chain   *devnet.Chain
	net     network
	info    Info
	gateway util.Uint160
	lottery util.Uint160
	// oracleConsumer is the example oracle consumer, owned by the user.
	oracleConsumer util.Uint160
	// demoCA issues the demo HTTPS server's certificate; the dev oracle
	// trusts it.
	demoCA *demo.ServerCA
	// servicesMu guards services, which RestartService changes while the
	// stack runs.
	servicesMu sync.Mutex
	services   []service
	sup        *supervisor
	mesh       *meshEnv
	// ownClient is the chain client Attach opened, closed by Close.
	ownClient *rpcclient.WSClient
	started   time.Time
	ready     time.Duration
}

// Start starts the chain, deploys the contracts and registers service
// keys where missing, and prepares every service. It does not run the
// services; Run does.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
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

	ch, err := devnet.Start(ctx, devnet.Config{
		DataDir:      filepath.Join(cfg.DataDir, "chain"),
		BlockTime:    cfg.BlockTime,
		Logger:       cfg.Log,
		NativeOracle: cfg.NativeOracle,
		OracleClient: cfg.NativeOracleClient,
	})
	if err != nil {
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	s := &Stack{cfg: cfg, chain: ch, started: started, demoCA: cfg.ServerCA}
	s.net = network{
		rpcURL:    ch.RPCURL(),
		wsURL:     ch.WSURL(),
		magic:     ch.Magic(),
		blockTime: ch.BlockTime(),
		client:    ch.Client(),
	}
	if err := s.setUp(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.ready = time.Since(started)
	return s, nil
}

// serviceKeySet holds the keys of the Gateway-backed services.
type serviceKeySet struct {
	vrf    serviceKeys
	oracle *keys.PrivateKey
}

func loadServiceKeys(dataDir string) (serviceKeySet, error) {
	vrfKeys, err := loadOrCreateKeys(filepath.Join(dataDir, "keys", vrf.ServiceName+".json"))
	if err != nil {
		return serviceKeySet{}, err
	}
	oracleKey, err := loadOrCreateSignKey(filepath.Join(dataDir, "keys", oracle.ServiceName+".json"))
	if err != nil {
		return serviceKeySet{}, err
	}
	return serviceKeySet{vrf: vrfKeys, oracle: oracleKey}, nil
}

func (s *Stack) setUp(ctx context.Context) error {
	keySet, err := loadServiceKeys(s.cfg.DataDir)
	if err != nil {
		return err
	}
	user, err := s.chain.Account(userAccount)
	if err != nil {
		return err
	}
	treasury, err := s.chain.Account(treasuryAccount)
	if err != nil {
		return err
	}

	// Independent transactions go out together so they share a block;
	// each stage costs one block on a fresh chain and none on a restart.
	err = parallel(ctx,
		s.deployGateway,
		func(ctx context.Context) error { return s.fund(ctx, "user", user, userGAS) },
		func(ctx context.Context) error { return s.fund(ctx, treasuryAccount, treasury, treasuryGAS) },
	)
	if err != nil {
		return err
	}
	vrfKeys, oracleKey := keySet.vrf, keySet.oracle
	err = parallel(ctx,
		s.deployLottery,
		s.deployOracleConsumer,
		func(ctx context.Context) error { return s.registerKey(ctx, vrf.ServiceName, vrfKeys.Sign.PublicKey()) },
		func(ctx context.Context) error {
			return s.publishServiceData(ctx, vrf.ServiceName, binding.DataVRFPublicKey, vrfKeys.VRF.Public().Bytes())
		},
		func(ctx context.Context) error { return s.registerKey(ctx, oracle.ServiceName, oracleKey.PublicKey()) },
	)
	if err != nil {
		return err
	}

	s.info = Info{
		RPCURL:         s.net.rpcURL,
		WSURL:          s.net.wsURL,
		Magic:          s.net.magic,
		BlockTimeMS:    s.net.blockTime.Milliseconds(),
		Gateway:        "0x" + s.gateway.StringLE(),
		Lottery:        "0x" + s.lottery.StringLE(),
		OracleConsumer: "0x" + s.oracleConsumer.StringLE(),
		ServiceKeys: map[string]string{
			vrf.ServiceName:    vrfKeys.Sign.PublicKey().StringCompressed(),
			oracle.ServiceName: oracleKey.PublicKey().StringCompressed(),
		},
		UserAccount: userAccount,
		UserAddress: user.Address,
	}
	if err := writeInfo(s.cfg.DataDir, s.info); err != nil {
		return err
	}
	return s.buildServices(ctx, keySet, treasury)
}

// AllServices lists every service a dev stack can run, in start order.
var AllServices = []string{"accountpool", vrf.ServiceName, "secrets", oracle.ServiceName}

// buildServices builds the services cfg.Services selects.
func (s *Stack) buildServices(ctx context.Context, keySet serviceKeySet, treasury *wallet.Account) error {
	var err error
	if s.mesh, err = newMeshEnv(s.cfg.DataDir); err != nil {
		return err
	}
	if s.mesh, err = s.withDiscovery(s.mesh); err != nil {
		return err
	}
	if s.demoCA == nil && s.cfg.External == nil {
		if s.demoCA, err = demo.LoadOrCreateServerCA(filepath.Join(s.cfg.DataDir, "demo")); err != nil {
			return err
		}
	}

	selected := s.cfg.Services
	if selected == nil {
		selected = AllServices
	}
	for _, name := range selected {
		var svc service
		switch name {
		case "accountpool":
			svc, err = s.newAccountPool(ctx, treasury)
		case vrf.ServiceName:
			svc, err = s.newVRF(ctx, keySet.vrf)
		case "secrets":
			svc, err = s.newSecrets(ctx)
		case oracle.ServiceName:
			svc, err = s.newOracle(ctx, keySet.oracle)
		default:
			return fmt.Errorf("unknown service %q: want one of %v", name, AllServices)
		}
		if err != nil {
			return fmt.Errorf("set up %s service: %w", name, err)
		}
		s.services = append(s.services, svc)
	}
	return nil
}

func (s *Stack) deployGateway(ctx context.Context) error {
	nefFile, m, err := contracts.Gateway()
	if err != nil {
		return err
	}
	owner := s.chain.CommitteeHash()
	s.gateway, err = s.chain.Deploy(ctx, "gateway", nefFile, m, []any{owner, int64(expiryBlocks)})
	return err
}

func (s *Stack) deployLottery(ctx context.Context) error {
	nefFile, m, err := contracts.Lottery()
	if err != nil {
		return err
	}
	s.lottery, err = s.chain.Deploy(ctx, "lottery", nefFile, m, s.gateway)
	return err
}

// parallel runs steps concurrently and returns the first error.
func parallel(ctx context.Context, steps ...func(ctx context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, step := range steps {
		g.Go(func() error { return step(ctx) })
	}
	return g.Wait()
}

// registerKey registers pub for service on the Gateway unless it already is.
func (s *Stack) registerKey(ctx context.Context, service string, pub *keys.PublicKey) error {
	gw := binding.NewGateway(invoker.New(s.chain.Client(), nil), s.gateway)
	current, err := gw.ServiceKey(service)
	if err == nil && current.Equal(pub) {
		return nil
	}

	evidence := sha256.Sum256([]byte(devAttestation))
	if _, err := s.chain.Invoke(ctx, s.gateway, "registerServiceKey", service, pub.Bytes(), evidence[:]); err != nil {
		return fmt.Errorf("register %s key: %w", service, err)
	}
	s.cfg.Log.Info("service key registered", "service", service, "public_key", pub.StringCompressed())
	return nil
}

// publishServiceData sets a Gateway service datum, such as the VRF public
// key that verifiers check results against, unless it already has value.
func (s *Stack) publishServiceData(ctx context.Context, service, name string, value []byte) error {
	gw := binding.NewGateway(invoker.New(s.chain.Client(), nil), s.gateway)
	current, err := gw.ServiceData(service, name)
	if err == nil && bytes.Equal(current, value) {
		return nil
	}
	if _, err := s.chain.Invoke(ctx, s.gateway, "setServiceData", service, name, value); err != nil {
		return fmt.Errorf("publish %s %s: %w", service, name, err)
	}
	s.cfg.Log.Info("service data published", "service", service, "name", name, "value", fmt.Sprintf("%x", value))
	return nil
}

// accountFor returns a chain account for key. The account gets its own
// copy of the key: closing an account wipes its key in place, which must
// not reach the service's signing key.
func accountFor(key *keys.PrivateKey) (*wallet.Account, error) {
	keyCopy, err := keys.NewPrivateKeyFromBytes(key.Bytes())
	if err != nil {
		return nil, fmt.Errorf("copy key: %w", err)
	}
	return wallet.NewAccountFromPrivateKey(keyCopy), nil
}

// fund tops acc up to amount datoshi of GAS.
func (s *Stack) fund(ctx context.Context, name string, acc *wallet.Account, amount int64) error {
	if err := s.chain.Fund(ctx, acc.ScriptHash(), amount); err != nil {
		return fmt.Errorf("fund %s account %s: %w", name, acc.Address, err)
	}
	return nil
}

// Info returns the addresses of the running stack.
func (s *Stack) Info() Info { return s.info }

// Chain returns the embedded chain.
func (s *Stack) Chain() *devnet.Chain { return s.chain }

// StartupTime returns how long Start took.
func (s *Stack) StartupTime() time.Duration { return s.ready }

// Close stops the chain and closes every database. Call it after Run has
// returned.
func (s *Stack) Close() error {
	var errs []error
	for _, svc := range s.services {
		errs = append(errs, svc.close())
	}
	if s.chain != nil {
		errs = append(errs, s.chain.Close())
	}
	if s.ownClient != nil {
		s.ownClient.Close()
	}
	return errors.Join(errs...)
}
