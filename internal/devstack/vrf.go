package devstack

import (
	"context"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	"github.com/neo-service-layer/servicelayer/services/vrf"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
)

// newVRF opens the VRF service's database and builds the service with
// keys. Its fulfil transactions are paid and signed by AccountPool
// accounts; acc, the account of the service key, only adds the witness the
// Gateway checks.
func (s *Stack) newVRF(ctx context.Context, keys serviceKeys, acc *wallet.Account) (service, error) {
	db, err := s.openDB(ctx, vrf.ServiceName, responder.Migrate)
	if err != nil {
		return service{}, err
	}
	client, err := s.rpcClient(ctx)
	if err != nil {
		db.Close()
		return service{}, err
	}
	closeAll := func() error {
		client.Close()
		return db.Close()
	}

	meshClient, err := s.meshClient(vrf.ServiceName)
	if err != nil {
		closeAll()
		return service{}, err
	}
	builder, err := responder.NewPoolBuilder(responder.PoolBuilderConfig{
		Gateway: s.gateway,
		Magic:   s.chain.Magic(),
		Service: acc,
		Pool:    poolapi.NewClient(meshClient),
		RPC:     client,
		Purpose: "vrf fulfilments",
		Log:     s.logger(vrf.ServiceName),
	})
	if err != nil {
		closeAll()
		return service{}, err
	}

	svc, err := responder.New(responder.Config{
		Service:     vrf.ServiceName,
		Gateway:     binding.NewGateway(invoker.New(client, nil), s.gateway),
		Magic:       s.chain.Magic(),
		SignKey:     keys.Sign,
		DB:          db,
		Dial:        chain.DialWS(s.chain.WSURL(), rpcclient.WSOptions{}),
		Answerer:    vrf.NewAnswerer(s.chain.Magic(), s.gateway, keys.VRF),
		Builder:     builder,
		Concurrency: 2,
		Log:         s.cfg.Log,
	})
	if err != nil {
		closeAll()
		return service{}, err
	}
	return service{
		name:    vrf.ServiceName,
		signKey: keys.Sign.PublicKey(),
		run:     svc.Run,
		close:   closeAll,
	}, nil
}
