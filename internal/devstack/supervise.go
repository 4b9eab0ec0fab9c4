package devstack

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// supervisor runs the stack's services, each under its own context, so
// one can be stopped and started again while the others keep running.
type supervisor struct {
	ctx  context.Context
	fail context.CancelCauseFunc

	mu      sync.Mutex // guards running
	running map[string]*running
}

// running is a started service.
type running struct {
	svc    service
	cancel context.CancelFunc
	done   chan struct{}
}

func newSupervisor(ctx context.Context, fail context.CancelCauseFunc) *supervisor {
	return &supervisor{ctx: ctx, fail: fail, running: map[string]*running{}}
}

// start runs svc until its context ends. A service that fails ends the
// whole stack with its error.
func (sv *supervisor) start(svc service) {
	ctx, cancel := context.WithCancel(sv.ctx)
	r := &running{svc: svc, cancel: cancel, done: make(chan struct{})}
	sv.mu.Lock()
	sv.running[svc.name] = r
	sv.mu.Unlock()

	go func() {
		defer close(r.done)
		if err := svc.run(ctx); err != nil && ctx.Err() == nil {
			sv.fail(fmt.Errorf("%s service: %w", svc.name, err))
		}
	}()
}

// stop ends service name and waits until it has returned.
func (sv *supervisor) stop(name string) (service, error) {
	sv.mu.Lock()
	r, ok := sv.running[name]
	delete(sv.running, name)
	sv.mu.Unlock()
	if !ok {
		return service{}, fmt.Errorf("service %q is not running", name)
	}
	r.cancel()
	<-r.done
	return r.svc, nil
}

// stopAll ends every service and waits for them.
func (sv *supervisor) stopAll() {
	sv.mu.Lock()
	all := make([]*running, 0, len(sv.running))
	for _, r := range sv.running {
		all = append(all, r)
	}
	sv.mu.Unlock()
	for _, r := range all {
		r.cancel()
	}
	for _, r := range all {
		<-r.done
	}
}

// RestartService stops service name, closes its database and connections,
// builds it again from its files in the data directory and starts it, as
// a restarted process would. The stack must be running. Work the service
// had in flight is picked up from its database.
func (s *Stack) RestartService(ctx context.Context, name string) error {
	if s.sup == nil {
		return errors.New("restart service: the stack is not running")
	}
	old, err := s.sup.stop(name)
	if err != nil {
		return err
	}
	if err := old.close(); err != nil {
		s.cfg.Log.Warn("close stopped service", "service", name, "error", err)
	}
	if old.build == nil {
		return fmt.Errorf("restart service: %s cannot be rebuilt", name)
	}
	svc, err := old.build(ctx)
	if err != nil {
		return fmt.Errorf("rebuild %s service: %w", name, err)
	}

	s.servicesMu.Lock()
	for i := range s.services {
		if s.services[i].name == name {
			s.services[i] = svc
		}
	}
	s.servicesMu.Unlock()
	s.sup.start(svc)
	s.cfg.Log.Info("service restarted", "service", name)
	return nil
}
