package vrf

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
	"github.com/neo-service-layer/servicelayer/internal/result"
)

const fulfilKeyPrefix = "vrf/fulfill/"

func fulfilKey(id int64) string {
	return fulfilKeyPrefix + strconv.FormatInt(id, 10)
}

func parseFulfilKey(key string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(key, fulfilKeyPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(key, fulfilKeyPrefix) {
		return 0, fmt.Errorf("invalid fulfil key %q", key)
	}
	return id, nil
}

// fulfil hands the answer to the sender under the request's key, so a
// request is sent at most once at a time however often the worker runs.
func (s *Service) fulfil(ctx context.Context, id int64, ans answer) error {
	_, err := s.sender.Send(ctx, fulfilKey(id), func(context.Context) (*transaction.Transaction, error) {
		return s.gateway.FulfillTx(s.cfg.Actor, id, ans.Code, ans.Result, ans.Signature)
	})
	return err
}

// rebuild makes a new fulfil transaction when the previous one expired
// unincluded. It abandons the key when the Gateway no longer waits for an
// answer.
func (s *Service) rebuild(ctx context.Context, key string) (*transaction.Transaction, error) {
	id, err := parseFulfilKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", chain.ErrAbandon, err)
	}
	status, err := s.gateway.Status(id)
	if err != nil {
		return nil, err
	}
	if status != binding.StatusPending {
		s.log.Info("request no longer pending, fulfilment dropped", "request_id", id, "status", status)
		return nil, chain.ErrAbandon
	}

	c, err := loadClaim(ctx, s.cfg.DB, id)
	if err != nil {
		return nil, err
	}
	ans, err := s.answerer.answer(c)
	if err != nil {
		return nil, err
	}
	s.log.Info("fulfilment expired, sending again", "request_id", id)
	return s.gateway.FulfillTx(s.cfg.Actor, id, ans.Code, ans.Result, ans.Signature)
}

// done records the outcome of a fulfil transaction in the same database
// transaction as the sender's own record.
func (s *Service) done(ctx context.Context, tx *sql.Tx, r chain.Result) error {
	id, err := parseFulfilKey(r.Key)
	if err != nil {
		s.log.Error("outcome for an unknown key ignored", "key", r.Key)
		return nil
	}
	now := s.now()

	switch {
	case r.State == chain.StateIncluded && r.VMState == vmstate.Halt:
		s.log.Info("request fulfilled", "request_id", id, "tx_hash", r.TxHash.StringLE(), "block", r.BlockIndex)
		return setStateTx(ctx, tx, id, stateFulfilled, r.TxHash.StringLE(), "", now)
	case r.State == chain.StateIncluded:
		s.log.Error("fulfil transaction faulted", "request_id", id, "tx_hash", r.TxHash.StringLE(),
			"exception", r.Exception)
		return setStateTx(ctx, tx, id, stateFailed, r.TxHash.StringLE(), "fulfil faulted: "+r.Exception, now)
	default:
		s.log.Warn("fulfilment abandoned", "request_id", id, "state", r.State)
		return setStateTx(ctx, tx, id, stateFailed, "", "fulfilment abandoned: request no longer pending", now)
	}
}

// settleUnsendable handles a request whose fulfil transaction cannot even
// be built, which happens when the Gateway no longer waits for it (a
// previous run fulfilled it, or it expired). It returns false when the
// request is still pending, so the caller retries later.
func (s *Service) settleUnsendable(ctx context.Context, id int64, code result.Code) (bool, error) {
	status, err := s.gateway.Status(id)
	if err != nil {
		return false, err
	}
	switch status {
	case binding.StatusFulfilled:
		s.log.Info("request already fulfilled on chain", "request_id", id)
		return true, setState(ctx, s.cfg.DB, id, stateFulfilled, code, "", "", s.now())
	case binding.StatusExpired:
		s.log.Warn("request expired before it was fulfilled", "request_id", id)
		return true, setState(ctx, s.cfg.DB, id, stateFailed, code, "", "request expired", s.now())
	}
	return false, nil
}
