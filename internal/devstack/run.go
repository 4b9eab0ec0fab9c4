package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"

	"github.com/neo-service-layer/servicelayer/internal/demo"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// service is one service the stack runs.
type service struct {
	name string
	// signKey is the key registered on the Gateway, nil for services that
	// answer no Gateway requests.
	signKey *keys.PublicKey
	run     func(ctx context.Context) error
	// ready reports whether the running service can serve at full speed;
	// nil means as soon as it runs.
	ready func(ctx context.Context) (bool, error)
	close func() error
	// build makes the service again from its files, for RestartService.
	build func(ctx context.Context) (service, error)
}

// WaitReady waits, after Run has started, until every service reports
// ready, for example until AccountPool has funded the accounts the
// services leased. It returns an error when ctx ends first.
func (s *Stack) WaitReady(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for _, svc := range s.snapshotServices() {
		if svc.ready == nil {
			continue
		}
		for {
			ok, err := svc.ready(ctx)
			if err == nil && ok {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("wait for %s to be ready: %w", svc.name, ctx.Err())
			case <-tick.C:
			}
		}
	}
	s.ready = time.Since(s.started)
	return nil
}

// Run runs every service until ctx ends or one of them fails, then stops
// them all and returns the failure, or nil.
func (s *Stack) Run(ctx context.Context) error {
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	s.sup = newSupervisor(ctx, fail)
	for _, svc := range s.snapshotServices() {
		s.sup.start(svc)
	}

	<-ctx.Done()
	s.sup.stopAll()
	if cause := context.Cause(ctx); !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

func (s *Stack) snapshotServices() []service {
	s.servicesMu.Lock()
	defer s.servicesMu.Unlock()
	return append([]service(nil), s.services...)
}

// Demo runs the scripted tour against the stack, which must be running.
func (s *Stack) Demo(ctx context.Context) (*demo.Report, error) {
	user, err := s.account(userAccount)
	if err != nil {
		return nil, err
	}
	serviceKeys := map[string]*keys.PublicKey{}
	// Marbles register keys of their own, which the data directory does not
	// know; the verify step still checks each result against the Gateway.
	for name, hexKey := range s.expectedServiceKeys() {
		pub, err := keys.NewPublicKeyFromString(hexKey)
		if err != nil {
			return nil, fmt.Errorf("service key of %s in dev.json: %w", name, err)
		}
		serviceKeys[name] = pub
	}
	meshClient, err := s.meshClient("demo")
	if err != nil {
		return nil, err
	}
	pool := poolapi.NewClient(meshClient)
	if err := waitServiceAccountsFunded(ctx, pool, []string{vrf.ServiceName, oracle.ServiceName}); err != nil {
		s.cfg.Log.Warn("service accounts not funded yet, the first steps may take longer", "error", err)
	}
	rep, err := demo.Run(ctx, demo.Env{
		Pool:        pool,
		Client:      s.net.client,
		User:        user,
		Gateway:     s.gateway,
		Lottery:     s.lottery,
		Magic:       s.net.magic,
		BlockTime:   s.net.blockTime,
		ServiceKeys: serviceKeys,
		Log:         s.cfg.Log,

		OracleConsumer: s.oracleConsumer,
		Secrets:        secretsapi.NewClient(meshClient),
		ServerCA:       s.demoCA,
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

// waitServiceAccountsFunded waits, for at most 30 s, until each of holders
// holds AccountPool accounts and all of them have GAS, so the tour
// measures the services and not the first top-up.
func waitServiceAccountsFunded(ctx context.Context, pool *poolapi.Client, holders []string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		balances, err := pool.Balances(ctx, false)
		if err == nil && holdersFunded(balances, holders) {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return err
			}
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func holdersFunded(balances []poolapi.AccountBalance, holders []string) bool {
	funded := map[string]bool{}
	for _, b := range balances {
		if b.Holder == "" {
			continue
		}
		if b.GAS < devTopUpBelow {
			return false
		}
		funded[b.Holder] = true
	}
	for _, h := range holders {
		if !funded[h] {
			return false
		}
	}
	return true
}

// expectedServiceKeys returns the service keys the data directory holds,
// or none when this process is a marble: services running as marbles
// register keys derived from the coordinator's secrets instead.
func (s *Stack) expectedServiceKeys() map[string]string {
	if s.cfg.Marble != nil {
		return nil
	}
	return s.info.ServiceKeys
}
