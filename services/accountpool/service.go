package accountpool

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// ServiceName is the pool's name on the mesh and its migration component.
const ServiceName = api.ServiceName

// repeatLogInterval is how long the same background error is logged at
// debug level after it was logged at warn level.
const repeatLogInterval = time.Minute

// Service runs the account pool: the Pool its callers use, and the
// background work that keeps it right. Create it with New, start it with
// Run.
type Service struct {
	cfg    Config
	pool   *Pool
	sender *chain.Sender
	log    *slog.Logger
}

// New checks cfg, applies its defaults and builds the service. It does not
// contact the node: Run and the first signature do.
func New(cfg Config) (*Service, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pool, err := newPool(cfg)
	if err != nil {
		return nil, err
	}

	sender, err := chain.NewSender(chain.SenderConfig{
		Dial:         cfg.Dial,
		DB:           cfg.DB,
		Rebuild:      pool.rebuild,
		OnDone:       pool.done,
		PollInterval: cfg.PollInterval,
		Log:          cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	pool.sender = sender
	return &Service{cfg: cfg, pool: pool, sender: sender, log: pool.log}, nil
}

// Pool returns the pool the service maintains, for use in process.
func (s *Service) Pool() *Pool {
	return s.pool
}

// Run checks that every stored account derives from the seed, then runs
// until ctx ends: the chain sender, the lease sweeper, and on every new
// block the settling of fee reservations, the balance refresh and the
// top-ups. It returns nil when ctx ends, and an error when the stored
// accounts do not match the seed or the node runs another network.
func (s *Service) Run(ctx context.Context) error {
	if err := s.pool.verifyAccounts(ctx); err != nil {
		return err
	}
	s.log.Info("accountpool started", "magic", s.cfg.Magic, "pool_size", s.cfg.PoolSize,
		"top_ups", s.cfg.Treasury != nil)

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.sender.Run(ctx) })
	g.Go(func() error { return s.sweep(ctx) })
	g.Go(func() error { return s.follow(ctx) })
	err := g.Wait()
	s.log.Info("accountpool stopped")
	return err
}

// sweep frees expired leases every SweepInterval.
func (s *Service) sweep(ctx context.Context) error {
	t := time.NewTicker(s.cfg.SweepInterval)
	defer t.Stop()
	warn := &repeatFilter{logger: s.log}
	for {
		if _, err := s.pool.Sweep(ctx); err != nil && ctx.Err() == nil {
			warn.log(ctx, "lease sweep failed", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// follow polls the node's block count every PollInterval and runs one
// maintenance pass per new block.
func (s *Service) follow(ctx context.Context) error {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	warn := &repeatFilter{logger: s.log}
	var last uint32
	for {
		count, err := s.maintain(ctx, last)
		switch {
		case errors.Is(err, ErrWrongNetwork):
			return err
		case err != nil && ctx.Err() == nil:
			warn.log(ctx, "chain maintenance failed, retrying", err)
		}
		last = count

		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// maintain settles reservations, refreshes balances and tops accounts up
// when the block count moved past last. It returns the block count it
// finished, last if it did not get that far.
func (s *Service) maintain(ctx context.Context, last uint32) (uint32, error) {
	if _, err := s.pool.checkNetwork(); err != nil {
		return last, err
	}
	count, err := s.pool.rpc.GetBlockCount()
	if err != nil || count == last {
		return last, err
	}
	if err := s.pool.syncAccounts(ctx, nil); err != nil {
		return last, err
	}
	// Top-up failures, such as an empty treasury, are retried on the next
	// block, because the balances of this one are stored already.
	return count, s.pool.topUpAccounts(ctx)
}

// repeatFilter logs an error at warn level, and the same error again at
// debug level until repeatLogInterval has passed.
type repeatFilter struct {
	logger *slog.Logger

	// mu guards last and at.
	mu   sync.Mutex
	last string
	at   time.Time
}

func (f *repeatFilter) log(ctx context.Context, msg string, err error) {
	f.mu.Lock()
	level := slog.LevelWarn
	if err.Error() == f.last && time.Since(f.at) < repeatLogInterval {
		level = slog.LevelDebug
	} else {
		f.last, f.at = err.Error(), time.Now()
	}
	f.mu.Unlock()
	f.logger.Log(ctx, level, msg, "error", err)
}
