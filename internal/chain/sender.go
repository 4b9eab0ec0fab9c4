package chain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// TxState is the state of one transaction attempt recorded by a Sender.
type TxState string

// Attempt states. Only the latest attempt of a key can be StateSent, and
// StateIncluded and StateAbandoned are final.
const (
	// StateSent: recorded and relayed (or waiting to be), not in a block yet.
	StateSent TxState = "sent"
	// StateIncluded: in a block. Result.VMState is HALT or FAULT.
	StateIncluded TxState = "included"
	// StateExpired: its valid-until block passed before inclusion. A newer
	// attempt replaces it unless the owner gives up.
	StateExpired TxState = "expired"
	// StateAbandoned: expired, and the owner chose not to rebuild it.
	StateAbandoned TxState = "abandoned"
)

// ErrAbandon is returned by a RebuildFunc to stop sending for a key, for
// example because the work it carried is no longer wanted. The Sender then
// marks the expired attempt abandoned and calls OnDone.
var ErrAbandon = errors.New("abandon send")

// Result describes the latest attempt for an idempotency key.
type Result struct {
	Key        string
	Attempt    int
	TxHash     util.Uint256
	ValidUntil uint32
	State      TxState
	// BlockIndex, VMState, Exception and GasConsumed are set once the
	// transaction is included.
	BlockIndex  uint32
	VMState     vmstate.State
	Exception   string
	GasConsumed int64
}

// BuildFunc builds and signs one transaction, for example with
// actor.Actor's MakeCall, which also sets ValidUntilBlock.
type BuildFunc func(ctx context.Context) (*transaction.Transaction, error)

// RebuildFunc builds a replacement for key's expired transaction from the
// owner's own records, so it works after a restart too. It returns
// ErrAbandon to stop, and any other error to be called again on the next
// block.
type RebuildFunc func(ctx context.Context, key string) (*transaction.Transaction, error)

// DoneFunc is called once per key when its transaction is included or the
// key is abandoned, inside the database transaction that records it. An
// error rolls both back and the check is repeated on the next block. It
// must not call store.DB.InTx.
type DoneFunc func(ctx context.Context, tx *sql.Tx, r Result) error

// SenderConfig configures a Sender.
type SenderConfig struct {
	// Dial opens connections to the node (see DialWS). Required.
	Dial Dialer
	// DB records the transactions. Required; Migrate must have run on it.
	DB *store.DB
	// Rebuild replaces expired transactions. Optional: when nil, an expired
	// key is abandoned.
	Rebuild RebuildFunc
	// OnDone reports included and abandoned keys. Optional.
	OnDone DoneFunc
	// PollInterval is how often pending transactions are checked when no
	// new-block notification arrives (default 1s).
	PollInterval time.Duration
	// Log receives relay, expiry and connection messages (default:
	// discarded).
	Log *slog.Logger
}

// Sender sends transactions under idempotency keys and follows each one
// until it is included or abandoned, across restarts. Send is safe for
// concurrent use, also while Run is running.
type Sender struct {
	cfg    SenderConfig
	follow *follower
	now    func() time.Time
	// rejected holds the hashes (util.Uint256) of transactions the node
	// rejected at least once, so repeats are logged at debug level.
	rejected sync.Map
}

// NewSender checks cfg and returns a Sender. Call Run to have pending
// transactions checked.
func NewSender(cfg SenderConfig) (*Sender, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	s := &Sender{cfg: cfg, now: time.Now}
	s.follow = &follower{dial: cfg.Dial, log: cfg.Log, poll: cfg.PollInterval}
	return s, nil
}

func (c SenderConfig) withDefaults() SenderConfig {
	if c.PollInterval == 0 {
		c.PollInterval = defaultPollInterval
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.Log = c.Log.With("component", "chain.sender")
	return c
}

// Validate checks the whole configuration.
func (c SenderConfig) Validate() error {
	switch {
	case c.Dial == nil:
		return errors.New("invalid sender config: dial is missing")
	case c.DB == nil:
		return errors.New("invalid sender config: db is missing")
	case c.PollInterval < 0:
		return errors.New("invalid sender config: poll interval is negative")
	}
	return nil
}

// Run checks the pending transactions on every new block until ctx ends,
// then returns nil. It reconnects on its own and logs and retries node or
// database trouble. Call Run at most once at a time per Sender.
func (s *Sender) Run(ctx context.Context) error {
	s.follow.run(ctx, func(ctx context.Context, cli *rpcclient.WSClient) error {
		return s.check(ctx, cli)
	})
	return nil
}

// Send makes sure one transaction for key gets onto the chain. If key's
// latest attempt is sent or included, Send returns its hash and does not
// call build. Otherwise it calls build, records the transaction and then
// relays it when Run is connected. A relay problem is logged and not
// returned: Run relays the same bytes again on each block until the
// transaction is included or its valid-until block passes.
func (s *Sender) Send(ctx context.Context, key string, build BuildFunc) (util.Uint256, error) {
	if key == "" {
		return util.Uint256{}, errors.New("send: key is missing")
	}

	latest, err := s.Status(ctx, key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return util.Uint256{}, err
	}
	if latest.State == StateSent || latest.State == StateIncluded {
		return latest.TxHash, nil
	}

	tx, err := build(ctx)
	if err != nil {
		return util.Uint256{}, fmt.Errorf("build transaction for %q: %w", key, err)
	}
	return s.store(ctx, key, latest.Attempt, tx)
}

// store records tx as attempt after+1 of key and relays it. If another
// attempt was recorded meanwhile, it drops tx and returns that attempt's
// hash.
func (s *Sender) store(ctx context.Context, key string, after int, tx *transaction.Transaction) (util.Uint256, error) {
	if err := checkSigned(tx); err != nil {
		return util.Uint256{}, fmt.Errorf("send %q: %w", key, err)
	}

	current, inserted, err := insertAttempt(ctx, s.cfg.DB, key, after, tx, s.now())
	if err != nil {
		return util.Uint256{}, err
	}
	if !inserted {
		return current.TxHash, nil
	}

	s.cfg.Log.Info("transaction recorded",
		"key", key, "attempt", current.Attempt, "tx_hash", current.TxHash.StringLE(),
		"valid_until", current.ValidUntil)
	if cli := s.follow.client(); cli != nil {
		if err := s.relay(ctx, cli, key, tx); err != nil {
			s.cfg.Log.Warn("relay failed, retrying on next block", "key", key, "error", err)
		}
	}
	return current.TxHash, nil
}

// Status returns the latest attempt recorded for key, or an error wrapping
// store.ErrNotFound when key has none.
func (s *Sender) Status(ctx context.Context, key string) (Result, error) {
	r, err := selectLatest(ctx, s.cfg.DB.SQL(), key)
	if err != nil {
		return Result{}, fmt.Errorf("status of %q: %w", key, err)
	}
	return r, nil
}

func checkSigned(tx *transaction.Transaction) error {
	switch {
	case tx == nil:
		return errors.New("build returned no transaction")
	case tx.ValidUntilBlock == 0:
		return errors.New("transaction has no valid-until block")
	case len(tx.Signers) == 0 || len(tx.Scripts) != len(tx.Signers):
		return fmt.Errorf("transaction has %d witnesses for %d signers, want it signed",
			len(tx.Scripts), len(tx.Signers))
	}
	return nil
}
