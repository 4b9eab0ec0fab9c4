package chain

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

// Event is one notification of the followed contract.
type Event struct {
	// BlockIndex and BlockHash identify the block holding the transaction.
	BlockIndex uint32
	BlockHash  util.Uint256
	// TxHash is the transaction that emitted the notification.
	TxHash util.Uint256
	// Index is the position of the notification among the followed
	// contract's notifications in that transaction, from 0. It counts all
	// of the contract's events, wanted or not, so (TxHash, Index) names
	// one event whatever the listener's Events filter.
	Index int
	// Contract is the script hash of the emitting contract.
	Contract util.Uint160
	// Name is the event name from the contract manifest.
	Name string
	// Params are the event's arguments in manifest order. They must not
	// be modified.
	Params []stackitem.Item
}

// Handler processes one event inside the database transaction that also
// moves the cursor past the event's block, and the listener commits both
// or neither. So the handler's writes through tx happen once per event.
// Effects outside tx are not covered: a call may run again after a failed
// commit. An error rolls the whole block back and the listener retries it
// after a backoff. Return errors only for conditions that may pass, and
// record a malformed event and return nil, or it blocks the listener for
// good. A Handler must not call store.DB.InTx.
type Handler func(ctx context.Context, tx *sql.Tx, ev Event) error

// ListenerConfig configures a Listener.
type ListenerConfig struct {
	// Dial opens connections to the node (see DialWS). Required.
	Dial Dialer
	// DB stores the cursor, and Handle writes through the same transaction.
	// Required; Migrate must have run on it.
	DB *store.DB
	// Contract whose notifications are followed. Required.
	Contract util.Uint160
	// Events lists the notification names handed to Handle; empty means
	// every notification of Contract.
	Events []string
	// Cursor names the stored position, for example "vrf/gateway". Required
	// and unique per database for each independent listener.
	Cursor string
	// StartHeight is the first block processed when the cursor does not
	// exist yet; it is ignored once the cursor is stored.
	StartHeight uint32
	// Handle receives each wanted event (see Handler for the once-only
	// guarantee). Required.
	Handle Handler
	// PollInterval is how often the listener checks for new blocks when no
	// new-block notification arrives (default 1s). New-block notifications
	// over the WebSocket are the main path; polling covers a lost one.
	PollInterval time.Duration
	// Log receives connection and retry messages (default: discarded).
	Log *slog.Logger
}

// Listener hands the notifications of one contract to a Handler block by
// block, committing each event's writes once across restarts and
// reconnections. Create it with NewListener and start it with Run.
type Listener struct {
	cfg    ListenerConfig
	follow *follower
	now    func() time.Time

	// The fields below are owned by the goroutine running Run.

	// next is the block height stored in the cursor and lastHash the hash
	// of the block before it, valid when loaded.
	next     uint32
	lastHash string
	loaded   bool
	// checked is set once the node's chain was found to hold lastHash.
	checked bool
}

// ErrChainRewound is returned by Run when the node's chain no longer holds
// the last block the cursor processed: the node lost blocks, was restored
// from an older copy, or runs another network. Run stops rather than hand
// over events from a different history. Point the service at the right
// node, or reset the service's database to process that chain from the
// start.
var ErrChainRewound = errors.New("chain does not contain the blocks already processed")

// NewListener checks cfg and returns a Listener.
func NewListener(cfg ListenerConfig) (*Listener, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	l := &Listener{cfg: cfg, now: time.Now}
	l.follow = &follower{dial: cfg.Dial, log: cfg.Log, poll: cfg.PollInterval}
	return l, nil
}

func (c ListenerConfig) withDefaults() ListenerConfig {
	if c.PollInterval == 0 {
		c.PollInterval = defaultPollInterval
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.Log = c.Log.With("component", "chain.listener", "cursor", c.Cursor)
	return c
}

// Validate checks the whole configuration.
func (c ListenerConfig) Validate() error {
	switch {
	case c.Dial == nil:
		return errors.New("invalid listener config: dial is missing")
	case c.DB == nil:
		return errors.New("invalid listener config: db is missing")
	case c.Contract.Equals(util.Uint160{}):
		return errors.New("invalid listener config: contract is missing")
	case c.Cursor == "":
		return errors.New("invalid listener config: cursor is missing")
	case c.Handle == nil:
		return errors.New("invalid listener config: handle is missing")
	case c.PollInterval < 0:
		return errors.New("invalid listener config: poll interval is negative")
	}
	return nil
}

// Run follows the chain until ctx ends, then returns nil. It reconnects on
// its own, so it returns no error for node or database trouble, which it
// logs and retries. Call Run at most once at a time per Listener.
//
// The one exception is ErrChainRewound, which Run returns at once.
func (l *Listener) Run(ctx context.Context) error {
	l.loaded, l.checked = false, false
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	l.follow.run(ctx, func(ctx context.Context, cli *rpcclient.WSClient) error {
		err := l.catchUp(ctx, cli)
		if errors.Is(err, ErrChainRewound) {
			l.cfg.Log.Error("chain rewound, listener stopped", "error", err)
			cancel(err)
		}
		return err
	})
	if cause := context.Cause(ctx); errors.Is(cause, ErrChainRewound) {
		return cause
	}
	return nil
}

func (l *Listener) wanted(name string) bool {
	return len(l.cfg.Events) == 0 || slices.Contains(l.cfg.Events, name)
}
