package responder

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
)

func (r *Responder) fulfilKey(id int64) string {
	return r.cfg.Service + "/fulfill/" + strconv.FormatInt(id, 10)
}

func (r *Responder) parseFulfilKey(key string) (int64, error) {
	prefix := r.cfg.Service + "/fulfill/"
	if !strings.HasPrefix(key, prefix) {
		return 0, fmt.Errorf("invalid fulfil key %q", key)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(key, prefix), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid fulfil key %q", key)
	}
	return id, nil
}

// send hands the stored answer to the sender under the request's key, so
// a request is in flight at most once however often the worker runs.
func (r *Responder) send(ctx context.Context, s stored) error {
	_, err := r.sender.Send(ctx, r.fulfilKey(s.ID), func(ctx context.Context) (*transaction.Transaction, error) {
		return r.cfg.Builder.BuildFulfil(ctx, s.ID, s.Code, s.Result, s.Signature)
	})
	return err
}

// rebuild makes a new fulfil transaction, with the stored answer, when the
// previous one expired unincluded. It abandons the key when the Gateway
// no longer waits for an answer.
func (r *Responder) rebuild(ctx context.Context, key string) (*transaction.Transaction, error) {
	id, err := r.parseFulfilKey(key)
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

	s, err := loadStored(ctx, r.cfg.DB, id)
	if err != nil {
		return nil, err
	}
	r.log.Info("fulfilment expired, sending again", "request_id", id)
	return r.cfg.Builder.BuildFulfil(ctx, id, s.Code, s.Result, s.Signature)
}

// done records the outcome of a fulfil transaction in the same database
// transaction as the sender's own record.
func (r *Responder) done(ctx context.Context, tx *sql.Tx, res chain.Result) error {
	id, err := r.parseFulfilKey(res.Key)
	if err != nil {
		r.log.Error("outcome for an unknown key ignored", "key", res.Key)
		return nil
	}
	now := r.now()
	txHash := res.TxHash.StringLE()

	switch {
	case res.State == chain.StateIncluded && res.VMState == vmstate.Halt:
		r.log.Info("request fulfilled", "request_id", id, "tx_hash", txHash, "block", res.BlockIndex)
		return setOutcome(ctx, tx, id, stateFulfilled, txHash, "", now)
	case res.State == chain.StateIncluded:
		r.log.Error("fulfil transaction faulted", "request_id", id, "tx_hash", txHash, "exception", res.Exception)
		return setOutcome(ctx, tx, id, stateFailed, txHash, "fulfil faulted: "+res.Exception, now)
	default:
		r.log.Warn("fulfilment abandoned", "request_id", id, "state", res.State)
		return setOutcome(ctx, tx, id, stateFailed, "", "fulfilment abandoned: request no longer pending", now)
	}
}

// settleUnsendable handles a request whose fulfil transaction cannot even
// be built, which happens when the Gateway no longer waits for it (a
// previous run fulfilled it, or it expired). It returns false while the
// request is still pending, so the caller retries later.
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
	return false, nil
}
