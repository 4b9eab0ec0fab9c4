package devstack

import (
	"context"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/store"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// responderSpec describes a service that answers Gateway requests.
type responderSpec struct {
	name string
	// key signs results and is registered on the Gateway; its account
	// adds the witness the Gateway checks on fulfil transactions.
	key *keys.PrivateKey
	// concurrency is how many requests are answered at once.
	concurrency int
	// answerer builds the service's Answerer; mesh calls go out with the
	// service's identity.
	answerer func(meshClient *mesh.Client) (responder.Answerer, error)
}

// newResponderService builds a Gateway-backed service: its own database,
// a responder whose fulfilments AccountPool accounts pay, and a mesh
// client with the service's identity.
func (s *Stack) newResponderService(ctx context.Context, spec responderSpec) (service, error) {
	acc, err := accountFor(spec.key)
	if err != nil {
		return service{}, err
	}
	res, err := s.openResources(ctx, spec.name, responder.Migrate)
	if err != nil {
		return service{}, err
	}

	svc, err := s.buildResponder(ctx, spec, res, acc)
	if err != nil {
		res.close()
		return service{}, err
	}
	return service{
		name:    spec.name,
		signKey: spec.key.PublicKey(),
		run:     svc.Run,
		close:   res.close,
		build:   func(ctx context.Context) (service, error) { return s.newResponderService(ctx, spec) },
	}, nil
}

func (s *Stack) buildResponder(ctx context.Context, spec responderSpec, res resources, acc *wallet.Account) (*responder.Responder, error) {
	meshClient, err := s.meshClient(spec.name)
	if err != nil {
		return nil, err
	}
	answerer, err := spec.answerer(meshClient)
	if err != nil {
		return nil, err
	}
	builder, err := responder.NewPoolBuilder(responder.PoolBuilderConfig{
		Gateway: s.gateway,
		Magic:   s.net.magic,
		Service: acc,
		Pool:    poolapi.NewClient(meshClient),
		RPC:     res.client,
		Purpose: spec.name + " fulfilments",
		Log:     s.logger(spec.name),
	})
	if err != nil {
		return nil, err
	}
	return responder.New(responder.Config{
		Service:     spec.name,
		Gateway:     binding.NewGateway(invoker.New(res.client, nil), s.gateway),
		Magic:       s.net.magic,
		SignKey:     spec.key,
		DB:          res.db,
		Dial:        chain.DialWS(s.net.wsURL, rpcclient.WSOptions{}),
		Answerer:    answerer,
		Builder:     builder,
		Concurrency: spec.concurrency,
		Log:         s.cfg.Log,
	})
}

// resources are a service's database and RPC client.
type resources struct {
	db     *store.DB
	client *rpcclient.Client
}

func (r resources) close() error {
	r.client.Close()
	return r.db.Close()
}

// openResources opens service's database, with the chain migrations and
// migrate applied, and an RPC client to the chain.
func (s *Stack) openResources(ctx context.Context, service string, migrate func(context.Context, *store.DB) error) (resources, error) {
	db, err := s.openDB(ctx, service, migrate)
	if err != nil {
		return resources{}, err
	}
	client, err := s.rpcClient(ctx)
	if err != nil {
		db.Close()
		return resources{}, err
	}
	return resources{db: db, client: client}, nil
}
