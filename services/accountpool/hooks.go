package accountpool

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// rebuild is the chain sender's RebuildFunc: it replaces an expired
// transfer or top-up transaction.
func (p *Pool) rebuild(ctx context.Context, key string) (*transaction.Transaction, error) {
	switch {
	case strings.HasPrefix(key, transferKeyPrefix):
		return p.rebuildTransfer(ctx, key)
	case strings.HasPrefix(key, topUpKeyPrefix):
		return p.rebuildTopUp(ctx, key)
	}
	return nil, fmt.Errorf("%w: unknown send key %q", chain.ErrAbandon, key)
}

// done is the chain sender's DoneFunc: it records finished top-ups and
// logs finished transfers.
func (p *Pool) done(ctx context.Context, tx *sql.Tx, r chain.Result) error {
	switch {
	case strings.HasPrefix(r.Key, topUpKeyPrefix):
		return p.finishTopUp(ctx, tx, r, p.now())
	case r.State == chain.StateIncluded && r.VMState == vmstate.Halt:
		p.log.Info("transfer included", "key", r.Key, "tx_hash", r.TxHash.StringLE(), "block", r.BlockIndex)
	case r.State == chain.StateIncluded:
		p.log.Error("transfer faulted", "key", r.Key, "tx_hash", r.TxHash.StringLE(), "exception", r.Exception)
	default:
		p.log.Warn("transfer abandoned", "key", r.Key)
	}
	return nil
}
