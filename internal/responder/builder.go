package responder

import (
	"context"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// ActorBuilder builds fulfil transactions signed by one account that both
// pays the fees and is the service key's witness, as in a setup without
// an account pool.
type ActorBuilder struct {
	Gateway *binding.Gateway
	Maker   binding.TxMaker
}

var _ FulfilBuilder = ActorBuilder{}

// BuildFulfil implements FulfilBuilder.
func (b ActorBuilder) BuildFulfil(_ context.Context, id int64, code result.Code, res, sig []byte) (*transaction.Transaction, error) {
	tx, err := b.Gateway.FulfillTx(b.Maker, id, code, res, sig)
	if err != nil {
		return nil, err
	}
	if err := checkFee(tx.SystemFee, DefaultMaxSystemFee); err != nil {
		return nil, err
	}
	return tx, nil
}

// BuildExpire implements FulfilBuilder.
func (b ActorBuilder) BuildExpire(_ context.Context, id int64) (*transaction.Transaction, error) {
	return b.Gateway.ExpireTx(b.Maker, id)
}

// BuildRedeliver implements FulfilBuilder.
func (b ActorBuilder) BuildRedeliver(_ context.Context, id int64) (*transaction.Transaction, error) {
	return b.Gateway.RedeliverTx(b.Maker, id)
}
