//go:build integration

package devnet_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/devnet"
)

// gasBalance returns the GAS balance of h in datoshi, read over RPC.
func gasBalance(t *testing.T, c *devnet.Chain, h util.Uint160) *big.Int {
	t.Helper()
	b, err := gas.NewReader(invoker.New(c.Client(), nil)).BalanceOf(h)
	require.NoError(t, err)
	return b
}

func counterValue(t *testing.T, c *devnet.Chain, h util.Uint160) int64 {
	t.Helper()
	v, err := unwrap.Int64(c.Committee().Call(h, "get"))
	require.NoError(t, err)
	return v
}

func TestDeployTwiceDeploysOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	cfg := devnet.Config{DataDir: dir, BlockTime: 100 * time.Millisecond}

	first := startChain(t, cfg)
	ctr := neotest.CompileFile(t, first.CommitteeHash(), "testdata/counter/counter.go", "testdata/counter/counter.yml")

	h, err := first.Deploy(ctx, "counter", ctr.NEF, ctr.Manifest, 7)
	require.NoError(t, err)
	require.Equal(t, ctr.Hash, h, "contract hash")
	require.Equal(t, int64(7), counterValue(t, first, h), "value set by deploy data")

	before := gasBalance(t, first, first.CommitteeHash())
	again, err := first.Deploy(ctx, "counter", ctr.NEF, ctr.Manifest, 7)
	require.NoError(t, err)
	require.Equal(t, h, again, "hash of second deploy")
	waitHeight(t, first, first.Height()+1)
	require.Zero(t, before.Cmp(gasBalance(t, first, first.CommitteeHash())),
		"committee GAS changed: second Deploy sent a transaction")
	require.NoError(t, first.Close())

	second := startChain(t, cfg)
	afterRestart, err := second.Deploy(ctx, "counter", ctr.NEF, ctr.Manifest, 8)
	require.NoError(t, err)
	require.Equal(t, h, afterRestart, "hash after restart")
	require.Equal(t, int64(7), counterValue(t, second, h), "value after restart")
}

func TestInvokeAsCommittee(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := startChain(t, devnet.Config{DataDir: t.TempDir(), BlockTime: 100 * time.Millisecond})
	ctr := neotest.CompileFile(t, c.CommitteeHash(), "testdata/counter/counter.go", "testdata/counter/counter.yml")
	h, err := c.Deploy(ctx, "", ctr.NEF, ctr.Manifest, 1)
	require.NoError(t, err)

	res, err := c.Invoke(ctx, h, "set", 42)
	require.NoError(t, err)
	require.NotEmpty(t, res.Container, "transaction hash of the result")
	require.Equal(t, int64(42), counterValue(t, c, h))

	_, err = c.Invoke(ctx, h, "get", 1)
	require.Error(t, err, "call with a wrong argument count")
}

func TestFundIsIdempotent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := startChain(t, devnet.Config{DataDir: t.TempDir(), BlockTime: 100 * time.Millisecond})
	bob, err := c.Account("bob")
	require.NoError(t, err)

	require.NoError(t, c.Fund(ctx, bob.ScriptHash(), 5*devnet.OneGAS))
	require.Equal(t, big.NewInt(5*devnet.OneGAS), gasBalance(t, c, bob.ScriptHash()))

	committee := gasBalance(t, c, c.CommitteeHash())
	require.NoError(t, c.Fund(ctx, bob.ScriptHash(), 5*devnet.OneGAS))
	require.NoError(t, c.Fund(ctx, bob.ScriptHash(), 3*devnet.OneGAS))
	require.Equal(t, big.NewInt(5*devnet.OneGAS), gasBalance(t, c, bob.ScriptHash()), "balance after repeated Fund")
	require.Zero(t, committee.Cmp(gasBalance(t, c, c.CommitteeHash())), "committee GAS after repeated Fund")

	require.NoError(t, c.Fund(ctx, bob.ScriptHash(), 7*devnet.OneGAS))
	require.Equal(t, big.NewInt(7*devnet.OneGAS), gasBalance(t, c, bob.ScriptHash()), "balance after top-up")

	require.Error(t, c.Fund(ctx, bob.ScriptHash(), 0), "zero amount")
}
