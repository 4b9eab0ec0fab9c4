package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/nep17"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// topUpKeyPrefix starts the chain sender key of every top-up:
// accountpool/topup/<account index>/<seq>.
const topUpKeyPrefix = "accountpool/topup/"

// Values of accountpool_topups.state.
const (
	topUpPending   = "pending"
	topUpDone      = "done"
	topUpFailed    = "failed"
	topUpAbandoned = "abandoned"
)

const (
	// An account needs a top-up when its GAS, read at a known height, is
	// below the threshold and none of its top-ups is pending. A top-up
	// included in block b also blocks a new one until the stored balance
	// shows it, which a balance read at block count c does once c > b.
	selectTopUpCandidatesSQL = `SELECT a.idx, a.gas FROM accountpool_accounts a
WHERE a.balance_height > 0 AND a.gas < $1
  AND NOT EXISTS (SELECT 1 FROM accountpool_topups t WHERE t.account_idx = a.idx
    AND (t.state = 'pending' OR (t.state = 'done' AND t.block_index >= a.balance_height)))
ORDER BY a.idx`

	nextTopUpSeqSQL = `SELECT COALESCE(MAX(seq), 0) + 1 FROM accountpool_topups WHERE account_idx = $1`

	// sumRecentTopUpsSQL adds up an account's top-ups that were not
	// abandoned, since a time in Unix milliseconds.
	sumRecentTopUpsSQL = `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM accountpool_topups
WHERE account_idx = $1 AND created_at >= $2 AND state <> 'abandoned'`

	insertTopUpSQL = `INSERT INTO accountpool_topups
(account_idx, seq, amount, state, created_at, updated_at) VALUES ($1, $2, $3, 'pending', $4, $4)`

	topUpColumns = `t.account_idx, t.seq, t.amount, t.state, a.script_hash`

	selectPendingTopUpsSQL = `SELECT ` + topUpColumns + ` FROM accountpool_topups t
JOIN accountpool_accounts a ON a.idx = t.account_idx WHERE t.state = 'pending' ORDER BY t.created_at`

	selectTopUpSQL = `SELECT ` + topUpColumns + ` FROM accountpool_topups t
JOIN accountpool_accounts a ON a.idx = t.account_idx WHERE t.account_idx = $1 AND t.seq = $2`

	finishTopUpSQL = `UPDATE accountpool_topups SET state = $1, block_index = $2, updated_at = $3
WHERE account_idx = $4 AND seq = $5 AND state = 'pending'`
)

// topUp is one recorded top-up of a pool account from the treasury.
type topUp struct {
	Account int64
	Seq     int64
	// Amount is in datoshi.
	Amount int64
	State  string
	To     util.Uint160
}

func (t topUp) key() string {
	return topUpKeyPrefix + strconv.FormatInt(t.Account, 10) + "/" + strconv.FormatInt(t.Seq, 10)
}

func parseTopUpKey(key string) (account, seq int64, err error) {
	rest, ok := strings.CutPrefix(key, topUpKeyPrefix)
	a, s, found := strings.Cut(rest, "/")
	if !ok || !found {
		return 0, 0, fmt.Errorf("invalid top-up key %q", key)
	}
	if account, err = strconv.ParseInt(a, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("invalid top-up key %q", key)
	}
	if seq, err = strconv.ParseInt(s, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("invalid top-up key %q", key)
	}
	return account, seq, nil
}

// topUpAccounts records a top-up for every account whose stored GAS fell
// below the threshold, then sends every pending top-up. Recording the
// decision first, under a key the chain sender de-duplicates, means a
// restart resends the same top-up instead of paying a second one.
func (p *Pool) topUpAccounts(ctx context.Context) error {
	if p.cfg.Treasury == nil {
		return nil
	}
	if err := p.planTopUps(ctx); err != nil {
		return err
	}
	pending, err := queryTopUps(ctx, p.db.SQL(), selectPendingTopUpsSQL)
	if err != nil {
		return err
	}

	var errs []error
	for _, t := range pending {
		_, err := p.sender.Send(ctx, t.key(), func(context.Context) (*transaction.Transaction, error) {
			return p.buildTopUp(t)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("top up account %d: %w", t.Account, err))
		}
	}
	return errors.Join(errs...)
}

// planTopUps records a pending top-up for every account that needs one.
//
// NOTE: nothing caps top-ups per lease or per day, so a holder that keeps
// moving GAS out of its accounts keeps drawing on the treasury.
func (p *Pool) planTopUps(ctx context.Context) error {
	var planned []topUp
	err := p.db.InTx(ctx, func(tx *sql.Tx) error {
		candidates, err := selectTopUpCandidates(ctx, tx, p.cfg.TopUpBelow)
		if err != nil {
			return err
		}
		now := p.now()
		for _, c := range candidates {
			t := topUp{Account: c.index, Amount: p.cfg.TopUpTo - c.gas}
			within, err := p.withinDailyTopUp(ctx, tx, t, now)
			if err != nil {
				return err
			}
			if !within {
				continue
			}
			if err := tx.QueryRowContext(ctx, nextTopUpSeqSQL, t.Account).Scan(&t.Seq); err != nil {
				return fmt.Errorf("next top-up of account %d: %w", t.Account, err)
			}
			if _, err := tx.ExecContext(ctx, insertTopUpSQL, t.Account, t.Seq, t.Amount, now.UnixMilli()); err != nil {
				return fmt.Errorf("record top-up of account %d: %w", t.Account, err)
			}
			planned = append(planned, t)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("plan top-ups: %w", err)
	}

	for _, t := range planned {
		p.log.Info("top-up planned", "account", t.Account, "seq", t.Seq, "datoshi", t.Amount)
	}
	return nil
}

// withinDailyTopUp reports whether t keeps its account's top-ups of the
// last 24 hours within MaxTopUpPerDay. The cap bounds what a holder can
// move out of the treasury by spending its accounts' GAS and letting the
// pool refill them. A capped account is logged once a day.
func (p *Pool) withinDailyTopUp(ctx context.Context, tx *sql.Tx, t topUp, now time.Time) (bool, error) {
	var recent int64
	since := now.Add(-24 * time.Hour).UnixMilli()
	if err := tx.QueryRowContext(ctx, sumRecentTopUpsSQL, t.Account, since).Scan(&recent); err != nil {
		return false, fmt.Errorf("sum top-ups of account %d: %w", t.Account, err)
	}
	if recent+t.Amount <= p.cfg.MaxTopUpPerDay {
		return true, nil
	}
	if p.capWarned.add(t.Account, now) {
		p.log.Warn("daily top-up cap reached, account not topped up",
			"account", t.Account, "topped_up_datoshi", recent, "cap_datoshi", p.cfg.MaxTopUpPerDay)
	}
	return false, nil
}

// warnedSet remembers which accounts were warned about in the last day.
// It is safe for concurrent use.
type warnedSet struct {
	mu sync.Mutex // guards at
	at map[int64]time.Time
}

// add records a warning for account and reports whether none was recorded
// in the 24 hours before now.
func (w *warnedSet) add(account int64, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at == nil {
		w.at = map[int64]time.Time{}
	}
	if last, ok := w.at[account]; ok && now.Sub(last) < 24*time.Hour {
		return false
	}
	w.at[account] = now
	return true
}

type topUpCandidate struct {
	index, gas int64
}

func selectTopUpCandidates(ctx context.Context, q querier, below int64) ([]topUpCandidate, error) {
	rows, err := q.QueryContext(ctx, selectTopUpCandidatesSQL, below)
	if err != nil {
		return nil, fmt.Errorf("list accounts to top up: %w", err)
	}
	defer rows.Close()

	var out []topUpCandidate
	for rows.Next() {
		var c topUpCandidate
		if err := rows.Scan(&c.index, &c.gas); err != nil {
			return nil, fmt.Errorf("list accounts to top up: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func queryTopUps(ctx context.Context, q querier, query string, args ...any) ([]topUp, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list top-ups: %w", err)
	}
	defer rows.Close()

	var out []topUp
	for rows.Next() {
		var t topUp
		var to string
		if err := rows.Scan(&t.Account, &t.Seq, &t.Amount, &t.State, &to); err != nil {
			return nil, fmt.Errorf("list top-ups: %w", err)
		}
		if t.To, err = util.Uint160DecodeStringLE(to); err != nil {
			return nil, fmt.Errorf("decode script hash of account %d: %w", t.Account, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// buildTopUp makes the treasury's signed GAS transfer for t.
func (p *Pool) buildTopUp(t topUp) (*transaction.Transaction, error) {
	act, err := p.treasuryActor()
	if err != nil {
		return nil, err
	}
	tx, err := nep17.New(act, gas.Hash).TransferTransaction(
		p.cfg.Treasury.ScriptHash(), t.To, big.NewInt(t.Amount), nil)
	if err != nil {
		return nil, fmt.Errorf("build top-up of account %d: %w", t.Account, err)
	}
	return tx, nil
}

func (p *Pool) treasuryActor() (*actor.Actor, error) {
	p.treasuryMu.Lock()
	defer p.treasuryMu.Unlock()
	if p.treasury != nil {
		return p.treasury, nil
	}
	act, err := actor.NewSimple(p.rpc, p.cfg.Treasury)
	if err != nil {
		return nil, fmt.Errorf("make treasury actor: %w", err)
	}
	p.treasury = act
	return act, nil
}

// rebuildTopUp makes a new transaction for a pending top-up whose previous
// one expired unincluded.
func (p *Pool) rebuildTopUp(ctx context.Context, key string) (*transaction.Transaction, error) {
	account, seq, err := parseTopUpKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", chain.ErrAbandon, err)
	}
	found, err := queryTopUps(ctx, p.db.SQL(), selectTopUpSQL, account, seq)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 || found[0].State != topUpPending || p.cfg.Treasury == nil {
		return nil, chain.ErrAbandon
	}
	return p.buildTopUp(found[0])
}

// finishTopUp records how a top-up's transaction ended, inside the chain
// sender's transaction. A faulted or abandoned top-up leaves the account
// free for a new one on a later block.
func (p *Pool) finishTopUp(ctx context.Context, tx *sql.Tx, r chain.Result, now time.Time) error {
	account, seq, err := parseTopUpKey(r.Key)
	if err != nil {
		p.log.Error("outcome for an unknown top-up key ignored", "key", r.Key)
		return nil
	}

	state, block := topUpAbandoned, sql.NullInt64{}
	switch {
	case r.State == chain.StateIncluded && r.VMState == vmstate.Halt:
		state, block = topUpDone, sql.NullInt64{Int64: int64(r.BlockIndex), Valid: true}
		p.log.Info("account topped up", "account", account, "seq", seq,
			"tx_hash", r.TxHash.StringLE(), "block", r.BlockIndex)
	case r.State == chain.StateIncluded:
		state = topUpFailed
		p.log.Error("top-up transaction faulted", "account", account, "seq", seq,
			"tx_hash", r.TxHash.StringLE(), "exception", r.Exception)
	default:
		p.log.Warn("top-up abandoned", "account", account, "seq", seq)
	}

	if _, err := tx.ExecContext(ctx, finishTopUpSQL, state, block, now.UnixMilli(), account, seq); err != nil {
		return fmt.Errorf("record top-up %d/%d %s: %w", account, seq, state, err)
	}
	return nil
}
