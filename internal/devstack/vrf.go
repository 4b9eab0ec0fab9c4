package devstack

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// newVRF opens the VRF service's database and builds the service with
// keys; acc signs its fulfil transactions.
func (s *Stack) newVRF(ctx context.Context, keys serviceKeys, acc *wallet.Account) (service, error) {
	db, err := store.Open(ctx, store.Config{
		Path: filepath.Join(s.cfg.DataDir, vrf.ServiceName+".db"),
		Log:  s.logger("store"),
	})
	if err != nil {
		return service{}, err
	}
	closeDB := func() error { return db.Close() }
	if err := chain.Migrate(ctx, db); err != nil {
		closeDB()
		return service{}, err
	}
	if err := responder.Migrate(ctx, db); err != nil {
		closeDB()
		return service{}, err
	}

	client, err := rpcclient.New(ctx, s.chain.RPCURL(), rpcclient.Options{})
	if err == nil {
		err = client.Init()
	}
	if err != nil {
		closeDB()
		return service{}, fmt.Errorf("connect to %s: %w", s.chain.RPCURL(), err)
	}
	act, err := actor.NewSimple(client, acc)
	if err != nil {
		closeDB()
		return service{}, fmt.Errorf("make vrf actor: %w", err)
	}

	gw := binding.NewGateway(act, s.gateway)
	svc, err := responder.New(responder.Config{
		Service:     vrf.ServiceName,
		Gateway:     gw,
		Magic:       s.chain.Magic(),
		SignKey:     keys.Sign,
		DB:          db,
		Dial:        chain.DialWS(s.chain.WSURL(), rpcclient.WSOptions{}),
		Answerer:    vrf.NewAnswerer(s.chain.Magic(), s.gateway, keys.VRF),
		Builder:     responder.ActorBuilder{Gateway: gw, Maker: act},
		Concurrency: 2,
		Log:         s.cfg.Log,
	})
	if err != nil {
		closeDB()
		return service{}, err
	}
	return service{
		name:    vrf.ServiceName,
		signKey: keys.Sign.PublicKey(),
		run:     svc.Run,
		close: func() error {
			client.Close()
			return db.Close()
		},
	}, nil
}
