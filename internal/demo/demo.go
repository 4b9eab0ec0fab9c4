package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// Env is the part of a running stack the tour uses.
type Env struct {
	Client    *rpcclient.WSClient
	User      *wallet.Account // funded account that sends the requests
	Gateway   util.Uint160
	Lottery   util.Uint160
	Magic     uint32
	BlockTime time.Duration
	// ServiceKeys maps service name to the key expected on the Gateway.
	ServiceKeys map[string]*keys.PublicKey
	// Pool calls AccountPool with the demo's mesh identity.
	Pool *poolapi.Client
	Log  *slog.Logger

	// OracleConsumer is the example oracle consumer contract, owned by
	// User.
	OracleConsumer util.Uint160
	// Secrets calls the Secrets owner routes with the demo's mesh
	// identity.
	Secrets *secretsapi.Client
	// ServerCA issues the certificate of the HTTPS server the oracle
	// steps fetch from; the dev oracle trusts it.
	ServerCA *ServerCA
}

// tour holds the clients one run shares between steps.
type tour struct {
	env   Env
	actor *actor.Actor
	gw    *binding.Gateway
	inv   *invoker.Invoker
}

// Run executes every step in order and returns the report; a failed step
// does not stop the ones after it unless they depend on it.
func Run(ctx context.Context, env Env) (*Report, error) {
	act, err := actor.NewSimple(env.Client, env.User)
	if err != nil {
		return nil, fmt.Errorf("make user actor: %w", err)
	}
	inv := invoker.New(env.Client, nil)
	t := &tour{env: env, actor: act, gw: binding.NewGateway(inv, env.Gateway), inv: inv}

	rep := &Report{BlockTimeMS: env.BlockTime.Milliseconds()}
	rep.add(t.deployCheck())

	lottery := t.lottery(ctx)
	rep.add(lottery.step)
	if lottery.step.OK {
		rep.add(t.verifyStep(lottery.id))
	}
	rep.add(t.badRequest(ctx))
	rep.add(t.poolStep(ctx))
	for _, s := range t.oracleSteps(ctx) {
		rep.add(s)
	}
	return rep, nil
}

func (t *tour) log() *slog.Logger {
	return t.env.Log.With("component", "demo")
}

// stepError fills s as failed with err and returns it.
func stepError(s Step, started time.Time, err error) Step {
	s.OK = false
	s.TookMS = time.Since(started).Milliseconds()
	s.Error = err.Error()
	return s
}

var errTimeout = errors.New("timed out")
