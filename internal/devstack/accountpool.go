package devstack

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/services/accountpool"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// treasuryAccount names the dev account that tops up pool accounts.
const treasuryAccount = "treasury"

// Dev top-up levels: a fulfilment costs up to about 0.7 GAS and at 100 ms
// blocks a service sends several per block, so dev pool accounts keep a
// buffer of dozens of fulfilments.
const (
	devTopUpBelow = 10 * devnet.OneGAS
	devTopUpTo    = 50 * devnet.OneGAS
)

// newAccountPool opens the pool's database and seed and builds the
// service with its mesh server.
func (s *Stack) newAccountPool(ctx context.Context, treasury *wallet.Account) (service, error) {
	var seed accountpool.Seed
	var err error
	if s.cfg.Marble != nil {
		seed, err = marbleSeed(s.cfg.Marble)
	} else {
		seed, err = loadOrCreateSeed(filepath.Join(s.cfg.DataDir, "keys", "accountpool.seed"))
	}
	if err != nil {
		return service{}, err
	}
	res, err := s.openResources(ctx, poolapi.ServiceName, accountpool.Migrate)
	if err != nil {
		return service{}, err
	}
	db, client, closeAll := res.db, res.client, res.close

	svc, err := accountpool.New(accountpool.Config{
		Seed:       seed,
		DB:         db,
		Dial:       chain.DialWS(s.net.wsURL, rpcclient.WSOptions{}),
		RPC:        client,
		Magic:      s.net.magic,
		Treasury:   treasury,
		TopUpBelow: devTopUpBelow,
		TopUpTo:    devTopUpTo,
		// Dev chains run long demos and benchmarks; production keeps the
		// pool's tighter default.
		MaxTopUpPerDay: 20 * devTopUpTo,
		Log:            s.cfg.Log,
	})
	if err != nil {
		closeAll()
		return service{}, err
	}
	srv, err := s.meshServer(poolapi.ServiceName, svc.Pool().Endpoints())
	if err != nil {
		closeAll()
		return service{}, err
	}
	run := func(ctx context.Context) error {
		g, ctx := errgroup.WithContext(ctx)
		g.Go(func() error { return srv.Run(ctx) })
		g.Go(func() error { return svc.Run(ctx) })
		return g.Wait()
	}
	ready := func(ctx context.Context) (bool, error) { return poolReady(ctx, svc.Pool()) }
	build := func(ctx context.Context) (service, error) { return s.newAccountPool(ctx, treasury) }
	return service{name: poolapi.ServiceName, run: run, ready: ready, close: closeAll, build: build}, nil
}

// poolReady reports whether every Gateway service holds a lease whose
// accounts have GAS, so the first request does not wait for a top-up.
func poolReady(ctx context.Context, pool *accountpool.Pool) (bool, error) {
	balances, err := pool.Balances(ctx)
	if err != nil {
		return false, err
	}
	leased := 0
	for _, b := range balances {
		if b.Holder == "" {
			continue
		}
		if b.GAS < devTopUpBelow {
			return false, nil
		}
		leased++
	}
	return leased > 0, nil
}

// loadOrCreateSeed reads the pool's master seed (hex) from path, creating
// a random one on first use. Dev only: production seeds come from the
// enclave's secret store.
func loadOrCreateSeed(path string) (accountpool.Seed, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return accountpool.Seed{}, fmt.Errorf("generate accountpool seed: %w", err)
		}
		seed, err := accountpool.NewSeed(b)
		if err != nil {
			return accountpool.Seed{}, err
		}
		if err := writeFileAtomic(path, []byte(fmt.Sprintf("%x\n", b)), 0o600); err != nil {
			return accountpool.Seed{}, fmt.Errorf("write accountpool seed: %w", err)
		}
		return seed, nil
	}
	if err != nil {
		return accountpool.Seed{}, fmt.Errorf("read accountpool seed: %w", err)
	}
	seed, err := accountpool.ParseSeed(strings.TrimSpace(string(raw)))
	if err != nil {
		return accountpool.Seed{}, fmt.Errorf("accountpool seed in %s: %w", path, err)
	}
	return seed, nil
}

// openDB opens service's SQLite database in the data directory and runs
// the chain migrations and the service's own.
func (s *Stack) openDB(ctx context.Context, service string, migrate func(context.Context, *store.DB) error) (*store.DB, error) {
	cfg := store.Config{
		Path: filepath.Join(s.cfg.DataDir, service+".db"),
		Log:  s.logger("store"),
	}
	if s.cfg.PostgresDSN != "" {
		cfg = store.Config{
			Driver: store.DriverPostgres,
			DSN:    s.cfg.PostgresDSN,
			Schema: s.cfg.PostgresSchemaPrefix + service,
			Log:    s.logger("store"),
		}
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := chain.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// rpcClient opens an HTTP RPC client to the chain.
func (s *Stack) rpcClient(ctx context.Context) (*rpcclient.Client, error) {
	client, err := rpcclient.New(ctx, s.net.rpcURL, rpcclient.Options{})
	if err == nil {
		err = client.Init()
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.net.rpcURL, err)
	}
	return client, nil
}
