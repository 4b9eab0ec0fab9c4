package accountpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/neo"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/nep17"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// maxIdempotencyKeyBytes caps a Transfer idempotency key, as the mesh caps
// the Idempotency-Key header.
const maxIdempotencyKeyBytes = 255

// transferKeyPrefix starts the chain sender key of every transfer:
// accountpool/transfer/<holder>/<idempotency key>. Holders contain no '/',
// so two holders' keys never collide.
const transferKeyPrefix = "accountpool/transfer/"

// Asset is a native NEP-17 token a Transfer can move.
type Asset string

// The assets Transfer supports.
const (
	AssetGAS Asset = "GAS"
	AssetNEO Asset = "NEO"
)

// contract returns the asset's contract hash.
func (a Asset) contract() (util.Uint160, error) {
	switch a {
	case AssetGAS:
		return gas.Hash, nil
	case AssetNEO:
		return neo.Hash, nil
	}
	return util.Uint160{}, fmt.Errorf("asset %q is not GAS or NEO", string(a))
}

// TransferRequest describes a NEP-17 transfer from a leased account.
type TransferRequest struct {
	LeaseID string
	// From is the lease account that pays. Zero selects the lease's first
	// account.
	From util.Uint160
	To   util.Uint160
	// Asset is AssetGAS or AssetNEO.
	Asset Asset
	// Amount is in the asset's smallest unit: datoshi for GAS, whole
	// tokens for NEO. It must be positive.
	Amount int64
	// IdempotencyKey names the transfer among the holder's transfers: a
	// repeat with the same key returns the first transfer's transaction
	// hash and never pays twice, also across restarts.
	IdempotencyKey string
}

func (r TransferRequest) check() error {
	if _, err := r.Asset.contract(); err != nil {
		return err
	}
	switch {
	case r.LeaseID == "":
		return errors.New("lease id is missing")
	case r.To == (util.Uint160{}):
		return errors.New("recipient is missing")
	case r.Amount <= 0:
		return fmt.Errorf("amount %d is not positive", r.Amount)
	case r.IdempotencyKey == "" || len(r.IdempotencyKey) > maxIdempotencyKeyBytes:
		return fmt.Errorf("idempotency key is %d bytes, want 1 to %d", len(r.IdempotencyKey), maxIdempotencyKeyBytes)
	}
	for _, c := range []byte(r.IdempotencyKey) {
		if c < 0x21 || c > 0x7e {
			return errors.New("idempotency key contains a character outside printable ASCII")
		}
	}
	return nil
}

// transferRecord is a stored transfer, enough to rebuild its transaction.
type transferRecord struct {
	Key     string
	Holder  string
	LeaseID string
	Account int64
	From    util.Uint160
	Asset   Asset
	To      util.Uint160
	Amount  int64
}

// Transfer builds, signs and sends a NEP-17 transfer of req.Asset from an
// account of holder's lease, and returns the transaction hash. The
// transaction goes through the chain sender under a key made of holder and
// req.IdempotencyKey, so a retry, also after a restart, returns the first
// transaction's hash, and a rebuilt transaction replaces one only after
// it expired unincluded. A retry whose parameters differ from the first
// call fails with ErrIdempotencyKeyReused. The fee and, for GAS, the
// amount are reserved as for SignTransaction. Transfer returns once the
// transaction is recorded, and Run relays it and follows it into a block.
func (p *Pool) Transfer(ctx context.Context, holder string, req TransferRequest) (util.Uint256, error) {
	if err := req.check(); err != nil {
		return util.Uint256{}, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if !holderName.MatchString(holder) {
		return util.Uint256{}, fmt.Errorf("%w: holder %q is not a service name", ErrInvalidRequest, holder)
	}
	rec, err := p.recordTransfer(ctx, holder, req)
	if err != nil {
		return util.Uint256{}, err
	}

	var built util.Uint256
	h, err := p.sender.Send(ctx, rec.Key, func(ctx context.Context) (*transaction.Transaction, error) {
		tx, err := p.buildTransfer(ctx, rec)
		if err == nil {
			built = tx.Hash()
		}
		return tx, err
	})
	if err != nil {
		return util.Uint256{}, fmt.Errorf("transfer %q: %w", req.IdempotencyKey, err)
	}
	if built != (util.Uint256{}) && built != h {
		// A concurrent retry recorded its transaction first, so this one
		// is never sent and its reservation would only block funds.
		if err := p.dropReservation(ctx, built); err != nil {
			p.log.Warn("unused reservation kept until it expires", "tx_hash", built.StringLE(), "error", err)
		}
	}

	p.log.Info("transfer accepted", "lease_id", rec.LeaseID, "holder", holder, "account", rec.Account,
		"asset", string(rec.Asset), "amount", rec.Amount, "tx_hash", h.StringLE())
	return h, nil
}

// recordTransfer stores the transfer under its key, or returns the stored
// one when the key was used before with the same parameters. Only a new
// transfer needs an active lease: a retry of a sent one returns its hash
// even after the lease ended.
func (p *Pool) recordTransfer(ctx context.Context, holder string, req TransferRequest) (transferRecord, error) {
	key := transferKeyPrefix + holder + "/" + req.IdempotencyKey
	var rec transferRecord
	err := p.db.InTx(ctx, func(tx *sql.Tx) error {
		stored, found, err := selectTransfer(ctx, tx, key)
		if err != nil {
			return err
		}
		if found {
			rec = stored
			return stored.sameAs(req)
		}

		lease, err := activeLease(ctx, tx, holder, req.LeaseID, p.now())
		if err != nil {
			return err
		}
		acc, err := sourceAccount(lease, req.From)
		if err != nil {
			return err
		}
		rec = transferRecord{
			Key: key, Holder: holder, LeaseID: req.LeaseID, Account: acc.Index, From: acc.ScriptHash,
			Asset: req.Asset, To: req.To, Amount: req.Amount,
		}
		return insertTransfer(ctx, tx, rec, p.now())
	})
	if err != nil {
		return transferRecord{}, fmt.Errorf("record transfer %q: %w", req.IdempotencyKey, err)
	}
	return rec, nil
}

func (r transferRecord) sameAs(req TransferRequest) error {
	sameFrom := req.From == (util.Uint160{}) || req.From == r.From
	if r.LeaseID == req.LeaseID && sameFrom && r.Asset == req.Asset && r.To == req.To && r.Amount == req.Amount {
		return nil
	}
	return ErrIdempotencyKeyReused
}

// sourceAccount returns the account of lease that pays: from, or the
// first one when from is zero.
func sourceAccount(lease Lease, from util.Uint160) (Account, error) {
	if from == (util.Uint160{}) {
		return lease.Accounts[0], nil
	}
	acc, ok := lease.account(from)
	if !ok {
		return Account{}, fmt.Errorf("source %s of lease %s: %w", from.StringLE(), lease.ID, ErrNotLeaseAccount)
	}
	return acc, nil
}

// buildTransfer makes and signs rec's transaction while its lease is still
// usable, reserving its fee and, for GAS, its amount.
func (p *Pool) buildTransfer(ctx context.Context, rec transferRecord) (*transaction.Transaction, error) {
	lease, err := p.ActiveLease(ctx, rec.Holder, rec.LeaseID)
	if err != nil {
		return nil, err
	}
	acc, err := sourceAccount(lease, rec.From)
	if err != nil {
		return nil, err
	}
	if _, err := p.checkNetwork(); err != nil {
		return nil, err
	}

	tx, err := p.unsignedTransfer(acc, rec)
	if err != nil {
		return nil, err
	}
	r := reservation{
		TxHash: tx.Hash(), Account: acc.Index, LeaseID: rec.LeaseID,
		Fee: tx.SystemFee + tx.NetworkFee, ValidUntil: tx.ValidUntilBlock,
	}
	if rec.Asset == AssetGAS {
		r.Amount = rec.Amount
	}
	if err := p.reserve(ctx, rec.Holder, r); err != nil {
		return nil, err
	}
	w, err := p.witness(acc, tx)
	if err != nil {
		return nil, err
	}
	tx.Scripts = []transaction.Witness{w}
	return tx, nil
}

// unsignedTransfer builds rec's transaction with acc as its only signer.
// The actor has only acc's public key, because the private key is derived
// later, for the signature alone.
func (p *Pool) unsignedTransfer(acc Account, rec transferRecord) (*transaction.Transaction, error) {
	act, err := actor.New(p.rpc, []actor.SignerAccount{{
		Signer:  transaction.Signer{Account: acc.ScriptHash, Scopes: transaction.CalledByEntry},
		Account: publicAccount(acc),
	}})
	if err != nil {
		return nil, fmt.Errorf("make actor for account %d: %w", acc.Index, err)
	}
	contract, err := rec.Asset.contract()
	if err != nil {
		return nil, err
	}
	tx, err := nep17.New(act, contract).TransferUnsigned(acc.ScriptHash, rec.To, big.NewInt(rec.Amount), nil)
	if err != nil {
		return nil, fmt.Errorf("build %s transfer from account %d: %w", rec.Asset, acc.Index, err)
	}
	return tx, nil
}

// publicAccount is a wallet account for acc without a private key.
func publicAccount(acc Account) *wallet.Account {
	return &wallet.Account{
		Address: acc.Address,
		Contract: &wallet.Contract{
			Script:     acc.PublicKey.GetVerificationScript(),
			Parameters: []wallet.ContractParam{{Name: "parameter0", Type: smartcontract.SignatureType}},
		},
	}
}

// rebuildTransfer makes a new transaction for a transfer whose previous
// one expired unincluded, or abandons it when its lease has ended.
func (p *Pool) rebuildTransfer(ctx context.Context, key string) (*transaction.Transaction, error) {
	rec, found, err := selectTransfer(ctx, p.db.SQL(), key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%w: no transfer recorded under %q", chain.ErrAbandon, key)
	}

	tx, err := p.buildTransfer(ctx, rec)
	if errors.Is(err, ErrLeaseExpired) || errors.Is(err, ErrLeaseReleased) {
		p.log.Warn("expired transfer not rebuilt: lease ended", "key", key, "lease_id", rec.LeaseID)
		return nil, fmt.Errorf("%w: %w", chain.ErrAbandon, err)
	}
	return tx, err
}
