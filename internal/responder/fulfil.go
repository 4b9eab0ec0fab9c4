package responder

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// Sender keys name the transaction's purpose and request, so a restart
// finds what it already sent: "<service>/fulfill/<id>" or
// "<service>/expire/<id>".
const (
	actionFulfill   = "fulfill"
	actionExpire    = "expire"
	actionRedeliver = "redeliver"
)

func (r *Responder) key(action string, id int64) string {
	return r.cfg.Service + "/" + action + "/" + strconv.FormatInt(id, 10)
}

func (r *Responder) parseKey(key string) (action string, id int64, err error) {
	rest, ok := strings.CutPrefix(key, r.cfg.Service+"/")
	if !ok {
		return "", 0, fmt.Errorf("invalid sender key %q", key)
	}
	action, num, ok := strings.Cut(rest, "/")
	if !ok || (action != actionFulfill && action != actionExpire && action != actionRedeliver) {
		return "", 0, fmt.Errorf("invalid sender key %q", key)
	}
	id, err = strconv.ParseInt(num, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("invalid sender key %q", key)
	}
	return action, id, nil
}

// send hands the stored answer to the sender under the request's key, so
// a request is in flight at most once however often the worker runs.
func (r *Responder) send(ctx context.Context, s stored) error {
	_, err := r.sender.Send(ctx, r.key(actionFulfill, s.ID), func(ctx context.Context) (*transaction.Transaction, error) {
		return r.cfg.Builder.BuildFulfil(ctx, s.ID, s.Code, s.Result, s.Signature)
	})
	return err
}

// rebuild makes a new transaction, with the stored answer, when the
// previous one expired unincluded. It abandons the key when the Gateway
// no longer waits for an answer.
func (r *Responder) rebuild(ctx context.Context, key string) (*transaction.Transaction, error) {
	action, id, err := r.parseKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", chain.ErrAbandon, err)
	}
	status, err := r.cfg.Gateway.Status(id)
	if err != nil {
		return nil, err
	}
	if status != binding.StatusPending {
		r.log.Info("request no longer pending, fulfilment dropped", "request_id", id, "status", status)
		return nil, chain.ErrAbandon
	}
	switch action {
	case actionExpire:
		return r.cfg.Builder.BuildExpire(ctx, id)
	case actionRedeliver:
		return nil, chain.ErrAbandon
	}

	s, err := loadStored(ctx, r.cfg.DB, id)
	if err != nil {
		return nil, err
	}
	tx, err := r.cfg.Builder.BuildFulfil(ctx, id, s.Code, s.Result, s.Signature)
	if err != nil {
		// The worker takes the request back and retries it with its own
		// backoff, or expires it, instead of the sender retrying every block.
		r.log.Debug("rebuild fulfilment failed, handing back to the worker", "request_id", id, "error", err)
		return nil, fmt.Errorf("%w: %w", chain.ErrAbandon, err)
	}
	r.log.Info("fulfilment expired unincluded, sent again", "request_id", id)
	return tx, nil
}

// done records the outcome of a fulfil transaction in the same database
// transaction as the sender's own record.
func (r *Responder) done(ctx context.Context, tx *sql.Tx, res chain.Result) error {
	action, id, err := r.parseKey(res.Key)
	if err != nil {
		r.log.Error("outcome for an unknown key ignored", "key", res.Key)
		return nil
	}
	now := r.now()
	txHash := res.TxHash.StringLE()

	switch action {
	case actionExpire:
		return r.expireDone(ctx, tx, id, res, now)
	case actionRedeliver:
		r.log.Info("expiry redelivery done", "request_id", id, "state", res.State, "tx_hash", txHash,
			"vm_state", res.VMState, "exception", res.Exception)
		return nil
	}

	switch {
	case res.State == chain.StateIncluded && res.VMState == vmstate.Halt:
		r.log.Info("request fulfilled", "request_id", id, "tx_hash", txHash, "block", res.BlockIndex)
		return setOutcome(ctx, tx, id, stateFulfilled, txHash, "", now)
	case res.State == chain.StateIncluded:
		r.log.Error("fulfil transaction faulted, request will be expired", "request_id", id, "tx_hash", txHash,
			"exception", res.Exception)
		return setOutcome(ctx, tx, id, stateFaulted, txHash, "fulfil faulted: "+res.Exception, now)
	default:
		r.log.Info("fulfilment handed back to the worker", "request_id", id, "state", res.State)
		return setOutcome(ctx, tx, id, stateAnswered, "", "fulfilment abandoned by the sender", now)
	}
}

// settleUnsendable handles a request whose fulfil transaction cannot even
// be built. That happens when the Gateway no longer waits for it, because
// a previous run fulfilled it or it expired, or when the request is past
// its expiry height, and then it expires the request so the consumer gets
// code Expired. It returns false while the request is still pending and
// not expired, so the caller retries later.
func (r *Responder) settleUnsendable(ctx context.Context, id int64) (bool, error) {
	status, err := r.cfg.Gateway.Status(id)
	if err != nil {
		return false, err
	}
	switch status {
	case binding.StatusFulfilled:
		r.log.Info("request already fulfilled on chain", "request_id", id)
		return true, settle(ctx, r.cfg.DB, id, stateFulfilled, "", r.now())
	case binding.StatusExpired:
		r.log.Warn("request expired before it was fulfilled", "request_id", id)
		return true, settle(ctx, r.cfg.DB, id, stateFailed, "request expired", r.now())
	}
	return r.expire(ctx, id)
}

// expire sends Gateway.expire for a pending request past its expiry
// height. Building fails while the height has not passed, and then it
// returns false.
func (r *Responder) expire(ctx context.Context, id int64) (bool, error) {
	_, err := r.sender.Send(ctx, r.key(actionExpire, id), func(ctx context.Context) (*transaction.Transaction, error) {
		return r.cfg.Builder.BuildExpire(ctx, id)
	})
	if err != nil {
		return false, nil
	}
	r.log.Warn("request expired unanswered, expiring it on chain", "request_id", id)
	return true, settle(ctx, r.cfg.DB, id, stateExpiring, "expired: fulfilment could not be sent in time", r.now())
}

// expireDone records the outcome of an expire transaction. Gateway.expire
// does not call the consumer, so a halted expire moves the request on to
// notify, where the worker redelivers code Expired to the callback.
func (r *Responder) expireDone(ctx context.Context, tx *sql.Tx, id int64, res chain.Result, now time.Time) error {
	if res.State == chain.StateIncluded && res.VMState == vmstate.Halt {
		r.log.Info("request expired on chain", "request_id", id, "tx_hash", res.TxHash.StringLE())
		return setOutcome(ctx, tx, id, stateNotify, res.TxHash.StringLE(), "expired", now)
	}
	r.log.Warn("expire transaction did not halt, trying again", "request_id", id, "state", res.State,
		"exception", res.Exception)
	return setOutcome(ctx, tx, id, stateFaulted, "", "expire did not halt: "+res.Exception, now)
}

// notify sends Gateway.redeliver for an expired request, so the consumer's
// callback receives code Expired. A callback that cannot take it (the
// test run faults) is left alone: the request stays expired on chain and
// anyone may redeliver later.
func (r *Responder) notify(ctx context.Context, s stored) {
	_, err := r.sender.Send(ctx, r.key(actionRedeliver, s.ID), func(ctx context.Context) (*transaction.Transaction, error) {
		return r.cfg.Builder.BuildRedeliver(ctx, s.ID)
	})
	reason := "expired, consumer notified"
	if err != nil {
		reason = "expired, consumer not notified: " + err.Error()
		r.log.Warn("deliver expiry to the consumer", "request_id", s.ID, "error", err)
	}
	if err := settle(ctx, r.cfg.DB, s.ID, stateExpired, reason, r.now()); err != nil {
		r.log.Error("mark request expired", "request_id", s.ID, "error", err)
	}
}
