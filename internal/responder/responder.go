package responder

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

// Request is a claimed Gateway request.
type Request struct {
	ID         int64
	Service    string
	Requester  util.Uint160 // contract that called Gateway.request
	Payload    []byte
	BlockIndex uint32       // block that holds the request
	BlockHash  util.Uint256 // hash of that block
	TxHash     util.Uint256 // transaction that made the request
}

// Answerer computes a service's answer to a request. A request the service
// cannot serve gets a failure code with a short reason as the result and a
// nil error; an error means a transient fault, and the request is asked
// again after a backoff. Answer may be called concurrently.
type Answerer interface {
	Answer(ctx context.Context, req Request) (result.Code, []byte, error)
}

// FulfilBuilder builds the signed Gateway transactions a responder sends.
// Each method is called again with the same arguments when an earlier
// transaction expired unincluded.
type FulfilBuilder interface {
	// BuildFulfil builds Gateway.fulfill for an answer.
	BuildFulfil(ctx context.Context, id int64, code result.Code, res, sig []byte) (*transaction.Transaction, error)
	// BuildExpire builds Gateway.expire for a request past its expiry
	// height, which closes it with code Expired.
	BuildExpire(ctx context.Context, id int64) (*transaction.Transaction, error)
	// BuildRedeliver builds Gateway.redeliver, which sends the stored
	// code and result, here code Expired, to the consumer's callback.
	BuildRedeliver(ctx context.Context, id int64) (*transaction.Transaction, error)
}

// warmer is a FulfilBuilder that prepares itself when the responder
// starts, such as PoolBuilder taking its lease.
type warmer interface {
	Warm(ctx context.Context) error
}

// ErrTooExpensive is returned by a FulfilBuilder when a transaction would
// cost more system fee than the service pays for one request, which a
// consumer's callback can cause. The responder then answers the request
// with a failure instead, and expires it if even that is too expensive.
var ErrTooExpensive = errors.New("transaction exceeds the fee cap")

// ErrBusy is returned by a FulfilBuilder for a condition that clears
// within a block or two, such as pool accounts waiting for a top-up. The
// request is then tried again after at most a second instead of the
// growing backoff.
var ErrBusy = errors.New("temporarily unable to send")

// DefaultMaxSystemFee caps the system fee of one fulfil transaction: 20 GAS
// covers a 500-word VRF result, whose storage alone costs about 16.5 GAS.
const DefaultMaxSystemFee = 2_000_000_000

// FeeCapError reports a transaction whose system fee, in datoshi, is over
// the cap. It wraps ErrTooExpensive.
type FeeCapError struct {
	Fee, Cap int64
}

func (e *FeeCapError) Error() string {
	return fmt.Sprintf("system fee %d datoshi, cap %d: %s", e.Fee, e.Cap, ErrTooExpensive)
}

func (e *FeeCapError) Unwrap() error { return ErrTooExpensive }

// checkFee returns a *FeeCapError when sysFee is over limit; a zero limit
// means no cap.
func checkFee(sysFee, limit int64) error {
	if limit > 0 && sysFee > limit {
		return &FeeCapError{Fee: sysFee, Cap: limit}
	}
	return nil
}

// Config wires a responder to its service.
type Config struct {
	// Service is the name requests carry and the service key is
	// registered under. Required.
	Service string
	// Gateway reads request states from the Gateway contract. Required.
	Gateway *binding.Gateway
	// Magic is the network magic of the chain. Required.
	Magic uint32
	// SignKey signs answers; its public key must be registered on the
	// Gateway for Service. Required.
	SignKey *keys.PrivateKey
	// DB holds claims and answers; Migrate and chain.Migrate must have run.
	// Required.
	DB *store.DB
	// Dial connects to the node. Required.
	Dial chain.Dialer
	// Answerer computes answers. Required.
	Answerer Answerer
	// Builder signs fulfil transactions. Required.
	Builder FulfilBuilder
	// StartHeight is the first block scanned on a fresh database.
	StartHeight uint32
	// Concurrency is how many requests are answered at once (default 4).
	Concurrency int
	// Batch is how many requests one pass of the worker takes (default 64).
	Batch int
	// Log receives service events (default: discarded).
	Log *slog.Logger
}

// Responder runs one service's request pipeline. Create it with New and
// start it with Run.
type Responder struct {
	cfg      Config
	listener *chain.Listener
	sender   *chain.Sender
	log      *slog.Logger
	now      func() time.Time
	// wake is signalled when new requests may be waiting.
	wake chan struct{}
}

// New checks cfg and builds the responder.
func New(cfg Config) (*Responder, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid responder config: %w", err)
	}

	r := &Responder{
		cfg:  cfg,
		log:  cfg.Log.With("component", cfg.Service),
		now:  time.Now,
		wake: make(chan struct{}, 1),
	}
	var err error
	r.listener, err = chain.NewListener(chain.ListenerConfig{
		Dial:        cfg.Dial,
		DB:          cfg.DB,
		Contract:    cfg.Gateway.Hash(),
		Events:      []string{binding.EventRequestCreated},
		Cursor:      cfg.Service + "/gateway",
		StartHeight: cfg.StartHeight,
		Handle:      r.claim,
		Log:         cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	r.sender, err = chain.NewSender(chain.SenderConfig{
		Dial:    cfg.Dial,
		DB:      cfg.DB,
		Rebuild: r.rebuild,
		OnDone:  r.done,
		Log:     cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (c Config) withDefaults() Config {
	if c.Concurrency == 0 {
		c.Concurrency = 4
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Service == "":
		return errors.New("service is missing")
	case c.Gateway == nil:
		return errors.New("gateway is missing")
	case c.SignKey == nil:
		return errors.New("sign key is missing")
	case c.DB == nil:
		return errors.New("db is missing")
	case c.Dial == nil:
		return errors.New("dial is missing")
	case c.Answerer == nil:
		return errors.New("answerer is missing")
	case c.Builder == nil:
		return errors.New("builder is missing")
	case c.Concurrency < 0 || c.Batch < 0:
		return errors.New("concurrency and batch must not be negative")
	}
	return nil
}

// Run follows the Gateway and answers requests until ctx ends.
func (r *Responder) Run(ctx context.Context) error {
	r.log.Info("service started", "gateway", r.cfg.Gateway.Hash().StringLE(),
		"signing_key", r.cfg.SignKey.PublicKey().StringCompressed())
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return r.runListener(ctx) })
	g.Go(func() error { return r.sender.Run(ctx) })
	g.Go(func() error { return r.work(ctx) })
	if w, ok := r.cfg.Builder.(warmer); ok {
		g.Go(func() error { return w.Warm(ctx) })
	}
	err := g.Wait()
	r.log.Info("service stopped")
	return err
}

// claim records a RequestCreated event for this service inside the
// listener's transaction, so the request is claimed exactly once.
func (r *Responder) claim(ctx context.Context, tx *sql.Tx, ev chain.Event) error {
	rc, err := binding.ParseRequestCreated(stackitem.NewArray(ev.Params))
	if err != nil {
		// A malformed event cannot become valid on retry; skip it.
		r.log.Error("malformed request event skipped", "tx_hash", ev.TxHash.StringLE(), "error", err)
		return nil
	}
	if rc.Service != r.cfg.Service {
		return nil
	}

	req := Request{
		ID:         rc.ID,
		Service:    rc.Service,
		Requester:  rc.Requester,
		Payload:    rc.Payload,
		BlockIndex: ev.BlockIndex,
		BlockHash:  ev.BlockHash,
		TxHash:     ev.TxHash,
	}
	if err := saveClaim(ctx, tx, req, r.now()); err != nil {
		return err
	}
	r.log.Debug("request claimed", "request_id", rc.ID, "block", ev.BlockIndex)
	r.signal()
	return nil
}

func (r *Responder) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}
