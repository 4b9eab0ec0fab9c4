package devnet

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/config"
	"github.com/nspcc-dev/neo-go/pkg/config/netmode"
	"github.com/nspcc-dev/neo-go/pkg/consensus"
	"github.com/nspcc-dev/neo-go/pkg/core"
	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/nspcc-dev/neo-go/pkg/core/native/noderoles"
	"github.com/nspcc-dev/neo-go/pkg/core/storage"
	"github.com/nspcc-dev/neo-go/pkg/core/storage/dbconfig"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/encoding/fixedn"
	"github.com/nspcc-dev/neo-go/pkg/network"
	"github.com/nspcc-dev/neo-go/pkg/services/oracle"
	"github.com/nspcc-dev/neo-go/pkg/services/rpcsrv"
	"go.uber.org/zap"
)

const (
	chainDBFile = "chain.bolt"

	// maxValidUntilBlockIncrement is fixed rather than derived from the
	// block time (neo-go's default is one day of blocks) so that the protocol
	// settings stay the same when a restart changes the block time.
	maxValidUntilBlockIncrement = 86_400

	// rpcMaxGasInvoke is the GAS limit of test invocations over RPC, high
	// because dev contracts may be expensive to call.
	rpcMaxGasInvoke = 100

	// oracleRefreshInterval is how often the native oracle retries requests
	// that have no response yet. neo-go's default is 3 minutes.
	oracleRefreshInterval = time.Second
)

// node is the set of running neo-go components of one chain.
type node struct {
	chain  *core.Blockchain
	store  *trackedStore
	server *network.Server
	rpc    *rpcsrv.Server

	// rpcErr receives errors of the RPC server's listeners.
	rpcErr chan error

	// blockLog appends every new block from blocks; logDone closes when it
	// has written the last one.
	blockLog *blockLog
	blocks   chan *block.Block
	logDone  chan struct{}
}

// trackedStore records the result of closing the chain store, which neo-go
// closes in the background and only logs.
type trackedStore struct {
	storage.Store
	closeErr error
}

// Close closes the underlying store and records its error.
func (s *trackedStore) Close() error {
	s.closeErr = s.Store.Close()
	return s.closeErr
}

// openStore opens the BoltDB chain database in dir. BoltDB locks the file,
// so a second Start on the same dir, in this process or another, fails here
// after a one-second wait.
func openStore(dir string) (*trackedStore, error) {
	st, err := storage.NewStore(dbconfig.DBConfiguration{
		Type:          dbconfig.BoltDB,
		BoltDBOptions: dbconfig.BoltDBOptions{FilePath: filepath.Join(dir, chainDBFile)},
	})
	if err != nil && strings.Contains(err.Error(), "timeout") {
		// bbolt reports a file lock held by another process as a timeout.
		return nil, fmt.Errorf("open chain store %s: the data directory is in use by another process "+
			"(is servicelayer dev already running on it?): %w", filepath.Join(dir, chainDBFile), err)
	}
	if err != nil {
		return nil, fmt.Errorf("open chain store: %w", err)
	}
	return &trackedStore{Store: st}, nil
}

// neoConfig returns the neo-go configuration of a chain validated by key.
// Protocol settings never depend on cfg except through the genesis block
// time, which only matters when the chain is created.
func neoConfig(cfg Config, key *keys.PublicKey) (config.Config, error) {
	unlock := config.Wallet{
		Path:     filepath.Join(cfg.DataDir, validatorWalletFile),
		Password: DevPassword,
	}

	protocol := config.ProtocolConfiguration{
		Magic:                       netmode.Magic(NetworkMagic),
		StandbyCommittee:            []string{key.StringCompressed()},
		ValidatorsCount:             1,
		TimePerBlock:                cfg.BlockTime,
		MaxValidUntilBlockIncrement: maxValidUntilBlockIncrement,
		VerifyTransactions:          true,
		Genesis: config.Genesis{
			TimePerBlock:                cfg.BlockTime,
			MaxValidUntilBlockIncrement: maxValidUntilBlockIncrement,
			Roles:                       map[noderoles.Role]keys.PublicKeys{noderoles.Oracle: {key}},
		},
	}

	app := config.ApplicationConfiguration{
		// Old state is of little use on a dev chain, and dropping it halves
		// the database: 4 MiB instead of 8 MiB after 1,860 empty blocks.
		Ledger: config.Ledger{KeepOnlyLatestState: true},
		P2P: config.P2P{
			Addresses:         []string{"127.0.0.1:0"},
			DialTimeout:       3 * time.Second,
			ProtoTickInterval: 2 * time.Second,
			PingInterval:      30 * time.Second,
			PingTimeout:       90 * time.Second,
			MaxPeers:          10,
		},
		Relay:     true,
		Consensus: config.Consensus{Enabled: true, UnlockWallet: unlock},
		RPC: config.RPC{
			BasicService:   config.BasicService{Enabled: true, Addresses: []string{cfg.RPCAddr}},
			MaxGasInvoke:   fixedn.Fixed8FromInt64(rpcMaxGasInvoke),
			SessionEnabled: true,
		},
		Oracle: config.OracleConfiguration{
			Enabled:          cfg.NativeOracle,
			AllowPrivateHost: true,
			RefreshInterval:  oracleRefreshInterval,
			UnlockWallet:     unlock,
		},
	}

	c := config.Config{ProtocolConfiguration: protocol, ApplicationConfiguration: app}
	if err := c.ProtocolConfiguration.Validate(); err != nil {
		return config.Config{}, fmt.Errorf("invalid protocol configuration: %w", err)
	}
	if err := c.ApplicationConfiguration.Validate(); err != nil {
		return config.Config{}, fmt.Errorf("invalid application configuration: %w", err)
	}
	return c, nil
}

// startNode starts the chain on store, which it owns from then on, even on
// error. The wiring follows neo-go's `node` command (cli/server/server.go).
func startNode(cfg Config, store *trackedStore, key *keys.PublicKey, log *zap.Logger) (*node, error) {
	nc, err := neoConfig(cfg, key)
	if err != nil {
		_ = store.Close()
		return nil, err
	}

	chain, err := core.NewBlockchain(store, nc.Blockchain(), log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open blockchain: %w", err), store.Close())
	}
	go chain.Run()

	n := &node{chain: chain, store: store, rpcErr: make(chan error, 4)}
	// The block log replays what the store lost in a crash, so it must run
	// before consensus makes new blocks.
	if err := n.startBlockLog(cfg); err != nil {
		chain.Close()
		return nil, err
	}
	if err := n.startServices(cfg, nc, log); err != nil {
		n.stopBlockLog()
		chain.Close()
		return nil, err
	}
	return n, nil
}

func (n *node) startBlockLog(cfg Config) error {
	bl, err := openBlockLog(cfg.DataDir, n.chain, cfg.Logger.With("component", "devnet"))
	if err != nil {
		return err
	}
	n.blockLog = bl
	n.blocks = make(chan *block.Block, 64)
	n.logDone = make(chan struct{})
	n.chain.SubscribeForBlocks(n.blocks)
	go bl.run(n.blocks, n.logDone)
	return nil
}

func (n *node) stopBlockLog() {
	if n.blockLog == nil {
		return
	}
	n.chain.UnsubscribeFromBlocks(n.blocks)
	close(n.blocks)
	<-n.logDone
	_ = n.blockLog.close()
	n.blockLog = nil
}

// startServices creates the P2P server and its services, then starts them.
func (n *node) startServices(cfg Config, nc config.Config, log *zap.Logger) error {
	serverCfg, err := network.NewServerConfig(nc)
	if err != nil {
		return fmt.Errorf("configure network server: %w", err)
	}
	n.server, err = network.NewServer(serverCfg, n.chain, n.chain.GetStateSyncModule(), log)
	if err != nil {
		return fmt.Errorf("create network server: %w", err)
	}

	if err := n.addConsensus(nc, log); err != nil {
		return err
	}
	orc, err := n.addOracle(cfg, nc, log)
	if err != nil {
		return err
	}

	// rpcsrv.New takes an untyped nil when there is no oracle.
	var handler rpcsrv.OracleHandler
	if orc != nil {
		handler = orc
	}
	n.rpc = rpcsrv.New(n.chain, nc.ApplicationConfiguration.RPC, n.server, handler, log, n.rpcErr)
	n.server.AddService(n.rpc)

	// Starting RPC before the server makes the listen address known on
	// return. The server's own call to Start is then a no-op.
	n.rpc.Start()
	select {
	case err := <-n.rpcErr:
		n.rpc.Shutdown()
		return fmt.Errorf("start rpc server: %w", err)
	default:
	}

	n.server.Start()
	return nil
}

func (n *node) addConsensus(nc config.Config, log *zap.Logger) error {
	srv, err := consensus.NewService(consensus.Config{
		Logger:                log,
		Broadcast:             n.server.BroadcastExtensible,
		Chain:                 n.chain,
		BlockQueue:            n.server.GetBlockQueue(),
		ProtocolConfiguration: nc.ProtocolConfiguration,
		RequestTx:             n.server.RequestTx,
		StopTxFlow:            n.server.StopTxFlow,
		Wallet:                nc.ApplicationConfiguration.Consensus.UnlockWallet,
	})
	if err != nil {
		return fmt.Errorf("create consensus service: %w", err)
	}
	n.server.AddConsensusService(srv, srv.OnPayload, srv.OnTransaction)
	return nil
}

func (n *node) addOracle(cfg Config, nc config.Config, log *zap.Logger) (*oracle.Oracle, error) {
	if !cfg.NativeOracle {
		return nil, nil
	}

	oc := oracle.Config{
		Log:           log,
		Network:       nc.ProtocolConfiguration.Magic,
		MainCfg:       nc.ApplicationConfiguration.Oracle,
		Chain:         n.chain,
		OnTransaction: n.server.RelayTxn,
	}
	if cfg.OracleClient != nil {
		oc.Client = cfg.OracleClient
	}
	orc, err := oracle.NewOracle(oc)
	if err != nil {
		return nil, fmt.Errorf("create oracle service: %w", err)
	}
	n.chain.SetOracle(orc)
	n.server.AddService(orc)
	return orc, nil
}

// rpcAddr returns the host:port the RPC server listens on.
func (n *node) rpcAddr() string {
	return n.rpc.Addresses()[0]
}

// stop shuts down the server with all its services (RPC, consensus,
// oracle), then the blockchain, which persists pending blocks and closes the
// store. It returns the error of closing the store.
func (n *node) stop() error {
	n.server.Shutdown()
	n.stopBlockLog()
	n.chain.Close()
	if err := n.store.closeErr; err != nil {
		return fmt.Errorf("close chain store: %w", err)
	}
	return nil
}
