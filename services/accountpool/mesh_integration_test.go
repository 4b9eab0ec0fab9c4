//go:build integration

package accountpool_test

import (
	"context"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// TestMeshSignAndTransfer uses the pool the way another service does. It
// leases over the mesh, builds a transaction with the leased account as
// sender from the lease's public data, has the pool sign it, sends it, and
// requests a transfer.
func TestMeshSignAndTransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := e.service(t, nil)
	run(t, svc)
	m := newTestMesh(t)
	m.serve(t, svc.Pool())
	vrf := m.client(t, "vrf")

	l, err := vrf.Lease(ctx, "fulfil fees", 1, time.Minute)
	require.NoError(t, err)
	acc := l.Accounts[0]
	require.Eventually(t, func() bool {
		all, err := vrf.Balances(ctx, false)
		return err == nil && len(all) == 1 && all[0].GAS == accountpool.DefaultTopUpTo
	}, 20*time.Second, 50*time.Millisecond, "leased account not topped up")

	signer, err := acc.SignerAccount(transaction.CalledByEntry)
	require.NoError(t, err)
	act, err := actor.New(e.rpc, []actor.SignerAccount{signer})
	require.NoError(t, err)
	tx, err := act.MakeUnsignedCall(gas.Hash, "symbol", nil)
	require.NoError(t, err)

	w, err := vrf.Sign(ctx, l.ID, e.net.Magic(), tx)
	require.NoError(t, err)
	tx.Scripts[0] = w
	h, err := e.rpc.SendRawTransaction(tx)
	require.NoError(t, err, "node accepts the pool's witness")
	e.waitIncluded(t, h)

	recipient, err := e.net.Account("recipient")
	require.NoError(t, err)
	req := api.TransferRequest{LeaseID: l.ID, To: recipient.ScriptHash(), Asset: api.AssetGAS, Amount: accountpool.OneGAS}
	first, err := vrf.Transfer(ctx, "delivery-7", req)
	require.NoError(t, err)
	again, err := vrf.Transfer(ctx, "delivery-7", req)
	require.NoError(t, err)
	require.Equal(t, first, again, "same idempotency key, same transaction")
	e.waitIncluded(t, first)
	require.Equal(t, accountpool.OneGAS, e.gasOf(t, recipient.ScriptHash()))

	require.NoError(t, vrf.Release(ctx, l.ID))
	_, err = vrf.Sign(ctx, l.ID, e.net.Magic(), tx)
	require.ErrorIs(t, err, api.ErrLeaseReleased)
}
