package devstack

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"golang.org/x/sync/errgroup"

	"github.com/neo-service-layer/servicelayer/internal/demo"
)

// service is one service the stack runs.
type service struct {
	name    string
	signKey *keys.PublicKey
	run     func(ctx context.Context) error
	close   func() error
}

// Run runs every service until ctx ends or one of them fails.
func (s *Stack) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, svc := range s.services {
		g.Go(func() error {
			if err := svc.run(ctx); err != nil {
				return fmt.Errorf("%s service: %w", svc.name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// Demo runs the scripted tour against the stack, which must be running.
func (s *Stack) Demo(ctx context.Context) (*demo.Report, error) {
	user, err := s.chain.Account(userAccount)
	if err != nil {
		return nil, err
	}
	serviceKeys := map[string]*keys.PublicKey{}
	for _, svc := range s.services {
		serviceKeys[svc.name] = svc.signKey
	}
	rep, err := demo.Run(ctx, demo.Env{
		Client:      s.chain.Client(),
		User:        user,
		Gateway:     s.gateway,
		Lottery:     s.lottery,
		Magic:       s.chain.Magic(),
		BlockTime:   s.chain.BlockTime(),
		ServiceKeys: serviceKeys,
		Log:         s.cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	rep.StartupMS = s.ready.Milliseconds()
	return rep, nil
}

func (s *Stack) logger(component string) *slog.Logger {
	return s.cfg.Log.With("component", component)
}
