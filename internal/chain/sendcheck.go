package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/trigger"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

// txNode is the part of the node's RPC API the sender uses;
// *rpcclient.WSClient implements it.
type txNode interface {
	GetBlockCount() (uint32, error)
	GetApplicationLog(hash util.Uint256, trig *trigger.Type) (*result.ApplicationLog, error)
	GetTransactionHeight(hash util.Uint256) (uint32, error)
	SendRawTransaction(tx *transaction.Transaction) (util.Uint256, error)
}

// relayer is the part of txNode that relays.
type relayer interface {
	SendRawTransaction(tx *transaction.Transaction) (util.Uint256, error)
}

// check runs one round over the recorded transactions: it settles every
// sent attempt, then rebuilds or abandons every key whose latest attempt
// expired. It goes on past a failing key and returns the first error.
func (s *Sender) check(ctx context.Context, node txNode) error {
	count, err := node.GetBlockCount()
	if err != nil {
		return fmt.Errorf("get block count: %w", err)
	}
	// Read the height before the application logs: a block at or below it
	// is already stored, so a missing log there means not included.
	height := count - 1

	sent, err := listSent(ctx, s.cfg.DB)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range sent {
		errs = append(errs, s.settle(ctx, node, height, p))
	}

	expired, err := listExpiredLatest(ctx, s.cfg.DB)
	if err != nil {
		return firstError(append(errs, err))
	}
	for _, r := range expired {
		errs = append(errs, s.replace(ctx, node, r))
	}
	return firstError(errs)
}

// settle moves one sent attempt on: to included if the node executed it,
// to expired if its valid-until block passed, and otherwise relays it again
// in case the node lost it (mempool eviction, node restart).
func (s *Sender) settle(ctx context.Context, node txNode, height uint32, p pendingAttempt) error {
	appLog, err := node.GetApplicationLog(p.TxHash, nil)
	switch {
	case err == nil:
		s.rejected.Delete(p.TxHash)
		return s.included(ctx, node, p.Result, appLog)
	case !isUnknown(err):
		return fmt.Errorf("get application log of %s: %w", p.TxHash.StringLE(), err)
	case height >= p.ValidUntil:
		s.rejected.Delete(p.TxHash)
		return s.expired(ctx, p.Result, height)
	}

	tx, err := transaction.NewTransactionFromBytes(p.raw)
	if err != nil {
		return fmt.Errorf("decode stored transaction of %q: %w", p.Key, err)
	}
	return s.relay(ctx, node, p.Key, tx)
}

func (s *Sender) included(ctx context.Context, node txNode, r Result, appLog *result.ApplicationLog) error {
	exec, ok := applicationExecution(appLog)
	if !ok {
		return fmt.Errorf("application log of %s has no application execution", r.TxHash.StringLE())
	}
	height, err := node.GetTransactionHeight(r.TxHash)
	if err != nil {
		return fmt.Errorf("get height of %s: %w", r.TxHash.StringLE(), err)
	}

	r.State = StateIncluded
	r.BlockIndex = height
	r.VMState = exec.VMState
	r.Exception = exec.FaultException
	r.GasConsumed = exec.GasConsumed
	done, err := setIncluded(ctx, s.cfg.DB, r, s.cfg.OnDone, s.now())
	if err != nil || !done {
		return err
	}

	s.cfg.Log.Info("transaction included",
		"key", r.Key, "attempt", r.Attempt, "tx_hash", r.TxHash.StringLE(),
		"block", r.BlockIndex, "vm_state", r.VMState.String(), "exception", r.Exception)
	return nil
}

func (s *Sender) expired(ctx context.Context, r Result, height uint32) error {
	done, err := setState(ctx, s.cfg.DB, r, StateSent, StateExpired, nil, s.now())
	if err != nil || !done {
		return err
	}
	s.cfg.Log.Warn("transaction expired unincluded",
		"key", r.Key, "attempt", r.Attempt, "tx_hash", r.TxHash.StringLE(),
		"valid_until", r.ValidUntil, "height", height)
	return nil
}

// replace builds, records and relays a new attempt for a key whose latest
// attempt expired, or abandons the key when there is no Rebuild or it
// returns ErrAbandon.
func (s *Sender) replace(ctx context.Context, node txNode, r Result) error {
	var tx *transaction.Transaction
	err := ErrAbandon
	if s.cfg.Rebuild != nil {
		tx, err = s.cfg.Rebuild(ctx, r.Key)
	}
	if errors.Is(err, ErrAbandon) {
		return s.abandon(ctx, r)
	}
	if err != nil {
		return fmt.Errorf("rebuild %q: %w", r.Key, err)
	}

	if err := checkSigned(tx); err != nil {
		return fmt.Errorf("rebuild %q: %w", r.Key, err)
	}
	next, inserted, err := insertAttempt(ctx, s.cfg.DB, r.Key, r.Attempt, tx, s.now())
	if err != nil || !inserted {
		return err
	}

	s.cfg.Log.Info("transaction rebuilt",
		"key", r.Key, "attempt", next.Attempt, "tx_hash", next.TxHash.StringLE(),
		"valid_until", next.ValidUntil)
	return s.relay(ctx, node, r.Key, tx)
}

func (s *Sender) abandon(ctx context.Context, r Result) error {
	done, err := setState(ctx, s.cfg.DB, r, StateExpired, StateAbandoned, s.cfg.OnDone, s.now())
	if err != nil || !done {
		return err
	}
	s.cfg.Log.Warn("send abandoned", "key", r.Key, "attempt", r.Attempt)
	return nil
}

// relay sends tx to the node. A rejection by the node is logged (at warn
// level the first time per transaction) and not returned, because the
// transaction may still become valid, for example once its sender is
// funded, and expiry ends the attempt anyway. Transport errors are
// returned.
func (s *Sender) relay(ctx context.Context, node relayer, key string, tx *transaction.Transaction) error {
	_, err := node.SendRawTransaction(tx)
	var rpcErr *neorpc.Error
	switch {
	case err == nil:
		s.cfg.Log.Debug("transaction relayed", "key", key, "tx_hash", tx.Hash().StringLE())
		return nil
	case errors.Is(err, neorpc.ErrAlreadyInPool), errors.Is(err, neorpc.ErrAlreadyExists):
		return nil
	case errors.As(err, &rpcErr):
		level := slog.LevelDebug
		if _, seen := s.rejected.LoadOrStore(tx.Hash(), struct{}{}); !seen {
			level = slog.LevelWarn
		}
		s.cfg.Log.Log(ctx, level, "node rejected transaction",
			"key", key, "tx_hash", tx.Hash().StringLE(), "error", err)
		return nil
	}
	return fmt.Errorf("relay %s: %w", tx.Hash().StringLE(), err)
}

func applicationExecution(appLog *result.ApplicationLog) (exec state.Execution, ok bool) {
	for _, e := range appLog.Executions {
		if e.Trigger == trigger.Application {
			return e, true
		}
	}
	return exec, false
}

// isUnknown reports whether err means the node has no such transaction.
func isUnknown(err error) bool {
	return errors.Is(err, neorpc.ErrUnknownScriptContainer) || errors.Is(err, neorpc.ErrUnknownTransaction)
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
