package accountpool

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/vm/opcode"
)

// maxFee caps the system and network fee of a signed transaction (10^7
// GAS in datoshi), far above any real fee, so their sum cannot overflow.
const maxFee = 10_000_000 * OneGAS

// SignTransaction signs tx for its sender, which must be an account of
// holder's active lease id, and returns the sender's witness for the
// pool's network. Witnesses of other signers are the caller's job, and tx
// is not changed.
//
// Before signing it holds back the transaction's system and network fee
// against the sender's GAS balance until the transaction is included or
// its valid-until block passes. It returns ErrInsufficientFunds when the
// fees of the sender's pending transactions plus these exceed its balance,
// as the node's mempool would reject it. Signing the same transaction again
// reserves nothing more. It also returns ErrWrongNetwork when the node runs
// another network, and ErrInvalidRequest for a transaction that has
// expired or is valid for longer than the node allows.
func (p *Pool) SignTransaction(ctx context.Context, holder, leaseID string, tx *transaction.Transaction) (transaction.Witness, error) {
	if err := checkUnsigned(tx); err != nil {
		return transaction.Witness{}, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	lease, err := p.ActiveLease(ctx, holder, leaseID)
	if err != nil {
		return transaction.Witness{}, err
	}
	acc, ok := lease.account(tx.Sender())
	if !ok {
		return transaction.Witness{}, fmt.Errorf("sender %s of lease %s: %w",
			address.Uint160ToString(tx.Sender()), leaseID, ErrNotLeaseAccount)
	}
	if err := p.checkValidUntil(tx.ValidUntilBlock); err != nil {
		return transaction.Witness{}, err
	}

	r := reservation{
		TxHash:     tx.Hash(),
		Account:    acc.Index,
		LeaseID:    leaseID,
		Fee:        tx.SystemFee + tx.NetworkFee,
		ValidUntil: tx.ValidUntilBlock,
	}
	if err := p.reserve(ctx, holder, r); err != nil {
		return transaction.Witness{}, err
	}
	w, err := p.witness(acc, tx)
	if err != nil {
		return transaction.Witness{}, err
	}

	p.log.Debug("transaction signed", "lease_id", leaseID, "account", acc.Index,
		"tx_hash", r.TxHash.StringLE(), "fee", r.Fee, "valid_until", r.ValidUntil)
	return w, nil
}

// checkUnsigned checks the parts of tx the pool relies on.
func checkUnsigned(tx *transaction.Transaction) error {
	switch {
	case tx == nil:
		return errors.New("transaction is missing")
	case len(tx.Signers) == 0:
		return errors.New("transaction has no signers")
	case tx.SystemFee < 0 || tx.SystemFee > maxFee:
		return fmt.Errorf("system fee %d is outside [0, %d]", tx.SystemFee, maxFee)
	case tx.NetworkFee < 0 || tx.NetworkFee > maxFee:
		return fmt.Errorf("network fee %d is outside [0, %d]", tx.NetworkFee, maxFee)
	case tx.ValidUntilBlock == 0:
		return errors.New("transaction has no valid-until block")
	}
	return nil
}

// checkValidUntil accepts a valid-until block the node would accept now:
// above the current height and at most the node's maximum increment past
// it. The bound keeps a fee reservation from outliving its lease by long.
func (p *Pool) checkValidUntil(validUntil uint32) error {
	network, err := p.checkNetwork()
	if err != nil {
		return err
	}
	count, err := p.rpc.GetBlockCount()
	if err != nil {
		return fmt.Errorf("get block count: %w", err)
	}

	height := count - 1
	limit := uint64(height) + uint64(network.maxValidUntilIncrement)
	switch {
	case validUntil <= height:
		return fmt.Errorf("%w: transaction expired: valid until block %d, height %d",
			ErrInvalidRequest, validUntil, height)
	case uint64(validUntil) > min(limit, math.MaxUint32):
		return fmt.Errorf("%w: valid-until block %d is past the node's limit %d",
			ErrInvalidRequest, validUntil, limit)
	}
	return nil
}

// witness signs tx with account a's key, derived for this one signature.
func (p *Pool) witness(a Account, tx *transaction.Transaction) (transaction.Witness, error) {
	k, err := p.keys.key(a.Index)
	if err != nil {
		return transaction.Witness{}, err
	}
	defer k.Destroy()
	if !k.GetScriptHash().Equals(a.ScriptHash) {
		return transaction.Witness{}, fmt.Errorf("account %d (%s) was not derived from the configured seed",
			a.Index, a.Address)
	}

	sig := k.SignHashable(p.cfg.Magic, tx)
	invocation := make([]byte, 0, 2+keys.SignatureLen)
	invocation = append(invocation, byte(opcode.PUSHDATA1), keys.SignatureLen)
	invocation = append(invocation, sig...)
	return transaction.Witness{
		InvocationScript:   invocation,
		VerificationScript: a.PublicKey.GetVerificationScript(),
	}, nil
}
