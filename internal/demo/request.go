package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/binding"
)

// fulfilled is a request the tour made and saw fulfilled.
type fulfilled struct {
	id  int64
	req *binding.Request
}

// requestAndWait calls lottery.requestRandom(words) and waits for the
// fulfilment, like callAndWait.
func (t *tour) requestAndWait(ctx context.Context, s *Step, words int64) (fulfilled, error) {
	return t.callAndWait(ctx, s, t.env.Lottery, "requestRandom", words)
}

// callAndWait calls method on contract as the user, which must make one
// Gateway request, waits until the Gateway records the fulfilment, and
// fills the request fields of s.
func (t *tour) callAndWait(ctx context.Context, s *Step, contract util.Uint160, method string, args ...any) (
	fulfilled, error,
) {
	started := time.Now()
	h, vub, err := t.actor.SendCall(contract, method, args...)
	aer, err := t.actor.Wait(ctx, h, vub, err)
	if err != nil {
		return fulfilled{}, fmt.Errorf("send %s: %w", method, err)
	}
	s.Tx = h.StringLE()
	if aer.VMState != vmstate.Halt {
		return fulfilled{}, fmt.Errorf("%s tx %s faulted: %s", method, h.StringLE(), aer.FaultException)
	}

	id, err := t.requestID(aer)
	if err != nil {
		return fulfilled{}, err
	}
	s.RequestID = strconv.FormatInt(id, 10)
	if s.RequestBlock, err = t.env.Client.GetTransactionHeight(h); err != nil {
		return fulfilled{id: id}, fmt.Errorf("get height of tx %s: %w", h.StringLE(), err)
	}

	req, err := t.waitFulfilled(ctx, id)
	s.TookMS = time.Since(started).Milliseconds()
	if err != nil {
		return fulfilled{id: id}, err
	}
	s.FulfilBlock = req.FulfilledBlock
	s.Code = req.Code.String()
	if tx, err := t.fulfilTx(req); err == nil {
		s.FulfilTx = tx.StringLE()
	} else {
		t.log().Warn("fulfil transaction not found", "request_id", id, "error", err)
	}
	t.log().Info("request answered", "request_id", id, "code", req.Code, "request_block", s.RequestBlock,
		"fulfil_block", req.FulfilledBlock, "took", time.Since(started))
	return fulfilled{id: id, req: req}, nil
}

func (t *tour) requestID(aer *state.AppExecResult) (int64, error) {
	for _, ev := range aer.Events {
		if ev.ScriptHash != t.env.Gateway || ev.Name != binding.EventRequestCreated {
			continue
		}
		rc, err := binding.ParseRequestCreated(ev.Item)
		if err != nil {
			return 0, err
		}
		return rc.ID, nil
	}
	return 0, fmt.Errorf("tx %s emitted no %s event", aer.Container.StringLE(), binding.EventRequestCreated)
}

// waitFulfilled polls the Gateway until request id leaves the pending
// state, for at most 30 block times (and at least 30 s).
func (t *tour) waitFulfilled(ctx context.Context, id int64) (*binding.Request, error) {
	limit := max(30*t.env.BlockTime, 30*time.Second)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	tick := time.NewTicker(max(t.env.BlockTime/20, 10*time.Millisecond))
	defer tick.Stop()
	for {
		status, err := t.gw.Status(id)
		if err != nil {
			return nil, err
		}
		switch status {
		case binding.StatusFulfilled:
			return t.gw.Request(id)
		case binding.StatusExpired:
			return nil, fmt.Errorf("request %d expired unanswered", id)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for request %d after %s: %w", id, limit, errTimeout)
		case <-tick.C:
		}
	}
}

// fulfilTx finds the transaction that fulfilled req in its block.
func (t *tour) fulfilTx(req *binding.Request) (util.Uint256, error) {
	blockHash, err := t.env.Client.GetBlockHash(req.FulfilledBlock)
	if err != nil {
		return util.Uint256{}, fmt.Errorf("get hash of block %d: %w", req.FulfilledBlock, err)
	}
	name := binding.EventRequestFulfilled
	gw := t.env.Gateway
	notes, err := t.env.Client.GetBlockNotifications(blockHash, &neorpc.NotificationFilter{Contract: &gw, Name: &name})
	if err != nil {
		return util.Uint256{}, fmt.Errorf("get notifications of block %d: %w", req.FulfilledBlock, err)
	}
	for _, n := range notes.Application {
		items := n.Item.Value().([]stackitem.Item)
		if len(items) == 0 {
			continue
		}
		if v, err := items[0].TryInteger(); err == nil && v.IsInt64() && v.Int64() == req.ID {
			return n.Container, nil
		}
	}
	return util.Uint256{}, fmt.Errorf("no %s event for request %d in block %d", name, req.ID, req.FulfilledBlock)
}
