//go:build integration

package accountpool_test

import (
	"context"
	"log/slog"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

const blockTime = 100 * time.Millisecond

// env is a devnet chain, a funded treasury and a database path that
// services started with it share.
type env struct {
	net      *devnet.Chain
	rpc      *rpcclient.Client
	treasury *wallet.Account
	dbPath   string
	log      *slog.Logger
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))

	net, err := devnet.Start(ctx, devnet.Config{DataDir: t.TempDir(), BlockTime: blockTime, Logger: log})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, net.Close()) })

	treasury, err := net.Account("treasury")
	require.NoError(t, err)
	require.NoError(t, net.Fund(ctx, treasury.ScriptHash(), 1000*devnet.OneGAS))

	rpc, err := rpcclient.New(context.Background(), net.RPCURL(), rpcclient.Options{})
	require.NoError(t, err)
	require.NoError(t, rpc.Init())
	t.Cleanup(rpc.Close)

	return &env{
		net:      net,
		rpc:      rpc,
		treasury: treasury,
		dbPath:   filepath.Join(t.TempDir(), "accountpool.db"),
		log:      log,
	}
}

// service builds a service on the shared database. mutate may change the
// configuration, which has the treasury set and 100 ms polling.
func (e *env) service(t *testing.T, mutate func(*accountpool.Config)) *accountpool.Service {
	t.Helper()
	cfg := accountpool.Config{
		Seed:          testSeed(t, 0x33),
		DB:            openDB(t, e.dbPath),
		Dial:          chain.DialWS(e.net.WSURL(), rpcclient.WSOptions{}),
		RPC:           e.rpc,
		Magic:         e.net.Magic(),
		Treasury:      e.treasury,
		PollInterval:  blockTime,
		SweepInterval: blockTime,
		Log:           e.log,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	svc, err := accountpool.New(cfg)
	require.NoError(t, err)
	return svc
}

// run starts svc.Run in the background and returns a function that stops
// it and waits for it to return nil.
func run(t *testing.T, svc *accountpool.Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()

	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

// balanceOf returns the stored balances of the pool account with index.
func balanceOf(t *testing.T, p *accountpool.Pool, index int64) accountpool.AccountBalance {
	t.Helper()
	all, err := p.Balances(context.Background())
	require.NoError(t, err)
	for _, b := range all {
		if b.Index == index {
			return b
		}
	}
	t.Fatalf("account %d not in balances", index)
	return accountpool.AccountBalance{}
}

func (e *env) gasOf(t *testing.T, h util.Uint160) int64 {
	t.Helper()
	b, err := gas.NewReader(invoker.New(e.rpc, nil)).BalanceOf(h)
	require.NoError(t, err)
	return b.Int64()
}

// waitIncluded waits until transaction h is in a block.
func (e *env) waitIncluded(t *testing.T, h util.Uint256) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := e.rpc.GetTransactionHeight(h)
		return err == nil
	}, 20*time.Second, 20*time.Millisecond, "transaction %s not included", h.StringLE())
}

// waitBlocks waits until n more blocks exist.
func (e *env) waitBlocks(t *testing.T, n uint32) {
	t.Helper()
	start := e.net.Height()
	require.Eventually(t, func() bool { return e.net.Height() >= start+n },
		20*time.Second, 10*time.Millisecond, "chain stalled at %d", start)
}

// unsignedCall builds a transaction calling GAS.symbol with the leased
// account as its sender, the way a service using the pool builds one. The
// actor has only the account's public key.
func (e *env) unsignedCall(t *testing.T, acc accountpool.Account) *transaction.Transaction {
	t.Helper()
	act, err := actor.New(e.rpc, []actor.SignerAccount{{
		Signer: transaction.Signer{Account: acc.ScriptHash, Scopes: transaction.CalledByEntry},
		Account: &wallet.Account{
			Address: acc.Address,
			Contract: &wallet.Contract{
				Script:     acc.PublicKey.GetVerificationScript(),
				Parameters: []wallet.ContractParam{{Name: "parameter0", Type: smartcontract.SignatureType}},
			},
		},
	}})
	require.NoError(t, err)
	tx, err := act.MakeUnsignedCall(gas.Hash, "symbol", nil)
	require.NoError(t, err)
	return tx
}

func invokerFor(e *env) *invoker.Invoker {
	return invoker.New(e.rpc, nil)
}

func bigInt(n int64) *big.Int {
	return big.NewInt(n)
}
