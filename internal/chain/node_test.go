package chain

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core"
	"github.com/nspcc-dev/neo-go/pkg/core/native/nativenames"
	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/io"
	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	neochain "github.com/nspcc-dev/neo-go/pkg/neotest/chain"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/callflag"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/trigger"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/emit"
	"github.com/nspcc-dev/neo-go/pkg/vm/opcode"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// coreNode serves the RPC calls Listener and Sender make straight from an
// in-process neo-go blockchain, the same data the node's RPC server reads,
// so unit tests need no network listener. The test makes the blocks.
type coreNode struct {
	bc *core.Blockchain
}

func (n coreNode) GetBlockCount() (uint32, error) {
	return n.bc.BlockHeight() + 1, nil
}

func (n coreNode) GetBlockHash(index uint32) (util.Uint256, error) {
	if index > n.bc.BlockHeight() {
		return util.Uint256{}, neorpc.ErrUnknownHeight
	}
	return n.bc.GetHeaderHash(index), nil
}

// GetBlockNotifications mirrors the node's getblocknotifications for the
// Application trigger: notifications of halted transactions, filtered by
// contract.
func (n coreNode) GetBlockNotifications(
	hash util.Uint256,
	filter *neorpc.NotificationFilter,
) (*result.BlockNotifications, error) {
	b, err := n.bc.GetBlock(hash)
	if err != nil {
		return nil, neorpc.ErrUnknownBlock
	}

	out := &result.BlockNotifications{}
	for _, tx := range b.Transactions {
		aers, err := n.bc.GetAppExecResults(tx.Hash(), trigger.Application)
		if err != nil {
			return nil, err
		}
		for _, aer := range aers {
			if aer.VMState != vmstate.Halt {
				continue
			}
			for _, ev := range aer.Events {
				if filter != nil && filter.Contract != nil && !ev.ScriptHash.Equals(*filter.Contract) {
					continue
				}
				out.Application = append(out.Application, state.ContainedNotificationEvent{
					Container:         tx.Hash(),
					NotificationEvent: ev,
				})
			}
		}
	}
	return out, nil
}

func (n coreNode) GetApplicationLog(hash util.Uint256, trig *trigger.Type) (*result.ApplicationLog, error) {
	aers, err := n.bc.GetAppExecResults(hash, trigger.Application)
	if err != nil {
		return nil, neorpc.ErrUnknownScriptContainer
	}
	log := result.NewApplicationLog(hash, aers, trigger.Application)
	return &log, nil
}

func (n coreNode) GetTransactionHeight(hash util.Uint256) (uint32, error) {
	_, height, err := n.bc.GetTransaction(hash)
	if err != nil {
		return 0, neorpc.ErrUnknownTransaction
	}
	return height, nil
}

// SendRawTransaction pools tx and maps errors to RPC errors as the node's
// RPC server does for the cases the sender distinguishes.
func (n coreNode) SendRawTransaction(tx *transaction.Transaction) (util.Uint256, error) {
	err := n.bc.PoolTx(tx)
	switch {
	case err == nil:
		return tx.Hash(), nil
	case errors.Is(err, core.ErrAlreadyExists):
		return util.Uint256{}, neorpc.ErrAlreadyExists
	case errors.Is(err, core.ErrAlreadyInPool):
		return util.Uint256{}, neorpc.ErrAlreadyInPool
	}
	return util.Uint256{}, neorpc.WrapErrorWithData(neorpc.ErrVerificationFailed, err.Error())
}

type testChain struct {
	e    *neotest.Executor
	node coreNode
	gas  util.Uint160
}

func newTestChain(t *testing.T) *testChain {
	t.Helper()
	bc, acc := neochain.NewSingle(t)
	e := neotest.NewExecutor(t, bc, acc, acc)
	return &testChain{e: e, node: coreNode{bc: bc}, gas: e.NativeHash(t, nativenames.Gas)}
}

// transfers adds a block with one transaction that makes len(amounts) GAS
// transfers from the committee, each emitting one Transfer notification.
func (c *testChain) transfers(t *testing.T, to util.Uint160, amounts ...int64) util.Uint256 {
	t.Helper()
	w := io.NewBufBinWriter()
	for _, amount := range amounts {
		emit.AppCall(w.BinWriter, c.gas, "transfer", callflag.All, c.e.CommitteeHash, to, amount, nil)
		emit.Opcodes(w.BinWriter, opcode.ASSERT)
	}
	require.NoError(t, w.Err)

	tx := c.e.PrepareInvocation(t, w.Bytes(), []neotest.Signer{c.e.Committee})
	c.e.AddNewBlock(t, tx)
	c.e.CheckHalt(t, tx.Hash())
	return tx.Hash()
}

// mine adds a block with every transaction waiting in the memory pool.
func (c *testChain) mine(t *testing.T) {
	t.Helper()
	c.e.AddNewBlock(t, c.node.bc.GetMemPool().GetVerifiedTransactions()...)
}

func openTestDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "chain.db")})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, Migrate(ctx, db))
	return db
}

// noDial replaces the node connection in tests that call the step
// functions directly.
func noDial(context.Context) (*rpcclient.WSClient, error) {
	return nil, errors.New("unit tests dial no node")
}
