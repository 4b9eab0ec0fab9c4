package devnet

import (
	"context"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/policy"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

const (
	// txTimeoutBlocks and minTxTimeout bound the wait for a transaction:
	// the longer of 20 block times and 10 seconds. One block is the norm.
	txTimeoutBlocks = 20
	minTxTimeout    = 10 * time.Second
)

// Invoke calls method of contract with args in a transaction signed by the
// committee account, and waits until a block includes it. It returns the
// execution result, or an error naming the transaction if it faulted or
// was not included in time.
func (c *Chain) Invoke(ctx context.Context, contract util.Uint160, method string, args ...any) (*state.AppExecResult, error) {
	h, vub, err := c.committee.SendCall(contract, method, args...)
	if err != nil {
		return nil, fmt.Errorf("send %s call to %s: %w", method, contract.StringLE(), err)
	}
	return c.wait(ctx, h, vub)
}

// wait waits for transaction h, valid until block vub, to be included, and
// returns its result if it halted.
func (c *Chain) wait(ctx context.Context, h util.Uint256, vub uint32) (*state.AppExecResult, error) {
	ctx, cancel := context.WithTimeout(ctx, c.txTimeout())
	defer cancel()

	res, err := c.committee.WaitSuccess(ctx, h, vub, nil)
	if err != nil {
		return nil, fmt.Errorf("wait for transaction %s: %w", h.StringLE(), err)
	}
	return res, nil
}

func (c *Chain) txTimeout() time.Duration {
	return max(txTimeoutBlocks*c.cfg.BlockTime, minTxTimeout)
}

// applyBlockTime sets the block time stored in the native Policy contract
// to cfg.BlockTime when they differ. Consensus follows the stored value,
// and the configured one only initialises it in the genesis block.
func (c *Chain) applyBlockTime(ctx context.Context) error {
	stored := int64(c.node.chain.GetMillisecondsPerBlock())
	want := c.cfg.BlockTime.Milliseconds()
	if stored == want {
		return nil
	}

	h, vub, err := policy.New(c.committee).SetMillisecondsPerBlock(want)
	if err != nil {
		return fmt.Errorf("send block time change: %w", err)
	}
	if _, err := c.wait(ctx, h, vub); err != nil {
		return fmt.Errorf("change block time: %w", err)
	}

	c.log.Info("block time changed", "from_ms", stored, "to_ms", want, "tx_hash", h.StringLE())
	return nil
}
