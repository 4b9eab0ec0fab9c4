package vrf

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

// Config wires the service to its keys, database and chain.
type Config struct {
	// Gateway is the Gateway contract hash. Required.
	Gateway util.Uint160
	// Magic is the network magic of the chain. Required.
	Magic uint32
	// VRFKey proves randomness. Required.
	VRFKey *ecvrf.PrivateKey
	// SignKey signs results; its public key must be registered on the
	// Gateway for ServiceName. Required.
	SignKey *keys.PrivateKey
	// DB holds claimed requests; Migrate must have run for "chain" and
	// "vrf". Required.
	DB *store.DB
	// Dial connects to the node. Required.
	Dial chain.Dialer
	// Actor signs and sends fulfill transactions and runs read-only
	// Gateway calls; its account pays the fees. Required.
	Actor *actor.Actor
	// StartHeight is the first block scanned on a fresh database.
	StartHeight uint32
	// Batch is how many claimed requests one pass of the worker answers
	// (default 64).
	Batch int
	// Log receives service events (default: discarded).
	Log *slog.Logger
}

// Service answers VRF requests from the Gateway. Create it with New and
// start it with Run.
type Service struct {
	cfg      Config
	answerer answerer
	listener *chain.Listener
	sender   *chain.Sender
	gateway  *binding.Gateway
	log      *slog.Logger
	now      func() time.Time
	// wake is signalled when new requests may be waiting.
	wake  chan struct{}
	retry *retryBackoff
}

// New checks cfg and builds the service.
func New(cfg Config) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid vrf config: %w", err)
	}
	if cfg.Batch == 0 {
		cfg.Batch = 64
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}

	s := &Service{
		cfg: cfg,
		answerer: answerer{
			magic:   cfg.Magic,
			gateway: cfg.Gateway,
			vrfKey:  cfg.VRFKey,
			signKey: cfg.SignKey,
		},
		log:   cfg.Log.With("component", "vrf"),
		now:   time.Now,
		wake:  make(chan struct{}, 1),
		retry: newRetryBackoff(),
	}
	l, err := chain.NewListener(chain.ListenerConfig{
		Dial:        cfg.Dial,
		DB:          cfg.DB,
		Contract:    cfg.Gateway,
		Events:      []string{binding.EventRequestCreated},
		Cursor:      "vrf/gateway",
		StartHeight: cfg.StartHeight,
		Handle:      s.claim,
		Log:         cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	s.listener = l

	s.sender, err = chain.NewSender(chain.SenderConfig{
		Dial:    cfg.Dial,
		DB:      cfg.DB,
		Rebuild: s.rebuild,
		OnDone:  s.done,
		Log:     cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	s.gateway = binding.NewGateway(cfg.Actor, cfg.Gateway)
	return s, nil
}

func (c Config) validate() error {
	switch {
	case c.Gateway.Equals(util.Uint160{}):
		return errors.New("gateway is missing")
	case c.VRFKey == nil:
		return errors.New("vrf key is missing")
	case c.SignKey == nil:
		return errors.New("sign key is missing")
	case c.DB == nil:
		return errors.New("db is missing")
	case c.Dial == nil:
		return errors.New("dial is missing")
	case c.Actor == nil:
		return errors.New("actor is missing")
	case c.Batch < 0:
		return errors.New("batch is negative")
	}
	return nil
}

// Run follows the Gateway and answers requests until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	s.log.Info("vrf service started", "gateway", s.cfg.Gateway.StringLE(),
		"vrf_public_key", fmt.Sprintf("%x", s.cfg.VRFKey.Public().Bytes()))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.listener.Run(ctx) })
	g.Go(func() error { return s.sender.Run(ctx) })
	g.Go(func() error { return s.work(ctx) })
	err := g.Wait()
	s.log.Info("vrf service stopped")
	return err
}

// claim records a RequestCreated event for this service inside the
// listener's transaction, so the request is claimed exactly once.
func (s *Service) claim(ctx context.Context, tx *sql.Tx, ev chain.Event) error {
	rc, err := binding.ParseRequestCreated(stackitem.NewArray(ev.Params))
	if err != nil {
		// A malformed event cannot become valid on retry; skip it.
		s.log.Error("malformed request event skipped", "tx_hash", ev.TxHash.StringLE(), "error", err)
		return nil
	}
	if rc.Service != ServiceName {
		return nil
	}

	c := claim{ID: rc.ID, Requester: rc.Requester, Payload: rc.Payload, BlockHash: ev.BlockHash}
	if err := saveClaim(ctx, tx, c, ev.BlockIndex, ev.TxHash, s.now()); err != nil {
		return err
	}
	s.log.Debug("request claimed", "request_id", rc.ID, "block", ev.BlockIndex)
	s.signal()
	return nil
}

func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
