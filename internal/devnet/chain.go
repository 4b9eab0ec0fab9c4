package devnet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
)

// rpcDialTimeout bounds the connection of the chain's own RPC client.
const rpcDialTimeout = 5 * time.Second

// Chain is a running devnet chain. Its methods are safe for concurrent use.
type Chain struct {
	cfg      Config
	log      *slog.Logger
	node     *node
	accounts *accountStore

	client    *rpcclient.WSClient
	committee *actor.Actor

	// deployMu serialises Deploy, so that concurrent calls for one contract
	// deploy it once.
	deployMu sync.Mutex

	closeOnce sync.Once
	closeErr  error
	// watchDone is closed by Close to end the RPC error watcher.
	watchDone chan struct{}
}

// Start opens or creates the chain in cfg.DataDir, starts it and returns
// once its RPC server accepts connections and the chain runs at
// cfg.BlockTime. A chain created with another block time first commits a
// committee transaction that changes it. ctx bounds the start only, and
// the chain runs until Close.
func Start(ctx context.Context, cfg Config) (*Chain, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	started := time.Now()
	log := cfg.Logger.With("component", "devnet")

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := checkDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	// The store comes first because its file lock also keeps a second Start
	// on this DataDir away from the wallets.
	store, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	key, accounts, err := loadKeys(cfg.DataDir)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}

	n, err := startNode(cfg, store, key.PublicKey(), newZapLogger(log))
	if err != nil {
		return nil, err
	}
	c := &Chain{cfg: cfg, log: log, node: n, accounts: accounts, watchDone: make(chan struct{})}
	go c.watchRPC()

	if err := c.connect(ctx, key); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	if err := c.applyBlockTime(ctx); err != nil {
		return nil, errors.Join(err, c.Close())
	}

	log.Info("chain started",
		"rpc_url", c.RPCURL(),
		"height", c.Height(),
		"magic", NetworkMagic,
		"block_time", cfg.BlockTime,
		"committee", address.Uint160ToString(c.CommitteeHash()),
		"took", time.Since(started))
	return c, nil
}

// checkDataDir refuses a chain whose validator wallet is gone: it cannot
// make blocks again, and a new key would silently start another chain.
func checkDataDir(dir string) error {
	_, walletErr := os.Stat(filepath.Join(dir, validatorWalletFile))
	_, chainErr := os.Stat(filepath.Join(dir, chainDBFile))
	if errors.Is(walletErr, fs.ErrNotExist) && chainErr == nil {
		return fmt.Errorf("%s is missing but the chain in %s exists: restore the file, "+
			"or delete the data directory to start a new chain", validatorWalletFile, dir)
	}
	return nil
}

func loadKeys(dir string) (*keys.PrivateKey, *accountStore, error) {
	key, err := loadValidatorKey(dir)
	if err != nil {
		return nil, nil, err
	}
	accounts, err := openAccounts(dir)
	if err != nil {
		return nil, nil, err
	}
	return key, accounts, nil
}

// connect opens the chain's own WebSocket client and the committee actor on
// it. The actor gets its own copy of key.
func (c *Chain) connect(ctx context.Context, key *keys.PrivateKey) error {
	// The client lives until Close, longer than the start context.
	opts := rpcclient.WSOptions{Options: rpcclient.Options{DialTimeout: rpcDialTimeout}}
	client, err := rpcclient.NewWS(context.WithoutCancel(ctx), c.WSURL(), opts)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", c.WSURL(), err)
	}
	c.client = client
	if err := client.Init(); err != nil {
		return fmt.Errorf("init rpc client: %w", err)
	}

	acc := wallet.NewAccountFromPrivateKey(key)
	if err := acc.ConvertMultisig(1, keys.PublicKeys{key.PublicKey()}); err != nil {
		return fmt.Errorf("build committee account: %w", err)
	}
	c.committee, err = actor.NewSimple(client, acc)
	if err != nil {
		return fmt.Errorf("create committee actor: %w", err)
	}
	return nil
}

// watchRPC logs errors of the RPC listeners until Close.
func (c *Chain) watchRPC() {
	for {
		select {
		case err := <-c.node.rpcErr:
			c.log.Error("rpc server failed", "error", err)
		case <-c.watchDone:
			return
		}
	}
}

// Close stops the RPC server, the P2P server, consensus, the oracle and the
// blockchain, and closes the store, releasing the RPC port and the files in
// DataDir. Blocks made since the last persist (at most about one second)
// are written before the store closes. Close is safe to call more than
// once, and later calls return the first call's result.
func (c *Chain) Close() error {
	c.closeOnce.Do(func() {
		if c.client != nil {
			c.client.Close()
		}
		height := c.Height()
		c.closeErr = c.node.stop()
		close(c.watchDone)
		c.log.Info("chain stopped", "height", height)
	})
	return c.closeErr
}

// RPCURL returns the JSON-RPC endpoint, like http://127.0.0.1:40123.
func (c *Chain) RPCURL() string {
	return "http://" + c.dialAddr()
}

// WSURL returns the WebSocket endpoint, like ws://127.0.0.1:40123/ws.
func (c *Chain) WSURL() string {
	return "ws://" + c.dialAddr() + "/ws"
}

// dialAddr returns the RPC listen address, with an unspecified host
// (0.0.0.0 or ::) replaced by loopback so that it can be dialled.
func (c *Chain) dialAddr() string {
	addr := c.node.rpcAddr()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}

	ip := net.ParseIP(host)
	switch {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// Magic returns the network magic, always NetworkMagic.
func (c *Chain) Magic() uint32 {
	return NetworkMagic
}

// Height returns the index of the latest block.
func (c *Chain) Height() uint32 {
	return c.node.chain.BlockHeight()
}

// BlockTime returns the configured interval between blocks.
func (c *Chain) BlockTime() time.Duration {
	return c.cfg.BlockTime
}

// DataDir returns the directory holding the chain's state.
func (c *Chain) DataDir() string {
	return c.cfg.DataDir
}

// Client returns the chain's own WebSocket RPC client. It is shared and
// owned by the chain: callers must not close it.
func (c *Chain) Client() *rpcclient.WSClient {
	return c.client
}

// Committee returns an actor that signs as the committee's 1-of-1 multisig
// account, which holds the genesis GAS and passes committee witness checks.
// Its transactions use the default CalledByEntry scope.
func (c *Chain) Committee() *actor.Actor {
	return c.committee
}

// CommitteeHash returns the script hash of the committee account.
func (c *Chain) CommitteeHash() util.Uint160 {
	return c.committee.Sender()
}
