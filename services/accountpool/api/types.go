package api

import (
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
)

// Assets a transfer can move.
const (
	AssetGAS = "GAS"
	AssetNEO = "NEO"
)

// LeaseRequest requests accounts for the caller.
type LeaseRequest struct {
	// Purpose is a free-text note for operators, up to 200 bytes.
	Purpose string `json:"purpose,omitempty"`
	// Count is how many accounts to lease.
	Count int `json:"count"`
	// TTLMillis is the lease duration in milliseconds. Zero selects the
	// pool's default.
	TTLMillis int64 `json:"ttl_ms,omitempty"`
}

// Account is the public part of a pool account.
type Account struct {
	// Index is i in the derivation path m/44'/888'/0'/0'/i'.
	Index      int64        `json:"index"`
	Address    string       `json:"address"`
	ScriptHash util.Uint160 `json:"script_hash"`
	// PublicKey is the compressed public key in hex.
	PublicKey string `json:"public_key"`
}

// Key decodes the account's public key and checks that it matches the
// script hash.
func (a Account) Key() (*keys.PublicKey, error) {
	pub, err := keys.NewPublicKeyFromString(a.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("decode public key of account %d: %w", a.Index, err)
	}
	if !pub.GetScriptHash().Equals(a.ScriptHash) {
		return nil, fmt.Errorf("public key of account %d does not match its script hash", a.Index)
	}
	return pub, nil
}

// SignerAccount returns the account as a transaction signer with scopes,
// for actor.New. It has no private key: build the transaction unsigned
// (for example with Actor.MakeUnsignedCall) and get the account's witness
// from Client.Sign.
func (a Account) SignerAccount(scopes transaction.WitnessScope) (actor.SignerAccount, error) {
	pub, err := a.Key()
	if err != nil {
		return actor.SignerAccount{}, err
	}
	return actor.SignerAccount{
		Signer: transaction.Signer{Account: a.ScriptHash, Scopes: scopes},
		Account: &wallet.Account{
			Address: a.Address,
			Contract: &wallet.Contract{
				Script:     pub.GetVerificationScript(),
				Parameters: []wallet.ContractParam{{Name: "parameter0", Type: smartcontract.SignatureType}},
			},
		},
	}, nil
}

// Lease is a grant of accounts to the caller until ExpiresAt.
type Lease struct {
	ID        string    `json:"id"`
	Holder    string    `json:"holder"`
	Purpose   string    `json:"purpose,omitempty"`
	Accounts  []Account `json:"accounts"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ReleaseRequest ends one of the caller's leases.
type ReleaseRequest struct {
	LeaseID string `json:"lease_id"`
}

// ReleaseResponse confirms a release.
type ReleaseResponse struct {
	LeaseID string `json:"lease_id"`
}

// BalancesRequest lists the pool's accounts.
type BalancesRequest struct {
	// Refresh reads every balance from the chain before responding,
	// instead of returning those read at the last block.
	Refresh bool `json:"refresh,omitempty"`
}

// BalancesResponse lists every pool account.
type BalancesResponse struct {
	Accounts []AccountBalance `json:"accounts"`
}

// AccountBalance is one pool account with its balances and holder.
type AccountBalance struct {
	Account
	// GAS and Reserved are in datoshi (10^-8 GAS), NEO in whole tokens.
	GAS int64 `json:"gas"`
	NEO int64 `json:"neo"`
	// Reserved is GAS held back for signed transactions not yet settled.
	Reserved int64 `json:"reserved"`
	// Height is the block count when the balances were read, 0 if never.
	Height  uint32 `json:"height"`
	LeaseID string `json:"lease_id,omitempty"`
	Holder  string `json:"holder,omitempty"`
}

// SignRequest requests the sender witness of a transaction whose sender
// is an account of the lease.
type SignRequest struct {
	LeaseID string `json:"lease_id"`
	// Network is the magic of the network the caller built the
	// transaction for. The pool rejects one that is not its own.
	Network uint32 `json:"network"`
	// Transaction is the part of the transaction that signatures cover,
	// every field but the witnesses, as Transaction.EncodeHashableFields
	// writes it (base64 in JSON).
	Transaction []byte `json:"transaction"`
}

// NewSignRequest serializes the signed part of tx into a request.
func NewSignRequest(leaseID string, network uint32, tx *transaction.Transaction) (SignRequest, error) {
	raw, err := tx.EncodeHashableFields()
	if err != nil {
		return SignRequest{}, fmt.Errorf("serialize transaction: %w", err)
	}
	return SignRequest{LeaseID: leaseID, Network: network, Transaction: raw}, nil
}

// Decode parses the transaction, which has no witnesses. It rejects one
// larger than the protocol's maximum transaction size.
func (r SignRequest) Decode() (*transaction.Transaction, error) {
	if len(r.Transaction) > transaction.MaxTransactionSize {
		return nil, fmt.Errorf("transaction is %d bytes, limit %d", len(r.Transaction), transaction.MaxTransactionSize)
	}
	tx := new(transaction.Transaction)
	if err := tx.DecodeHashableFields(r.Transaction); err != nil {
		return nil, fmt.Errorf("decode transaction: %w", err)
	}
	return tx, nil
}

// SignResponse is the sender's witness.
type SignResponse struct {
	InvocationScript   []byte `json:"invocation_script"`
	VerificationScript []byte `json:"verification_script"`
}

// Witness returns the response as a transaction witness.
func (r SignResponse) Witness() transaction.Witness {
	return transaction.Witness{InvocationScript: r.InvocationScript, VerificationScript: r.VerificationScript}
}

// TransferRequest sends a NEP-17 transfer from an account of the lease.
// The call's Idempotency-Key names the transfer.
type TransferRequest struct {
	LeaseID string `json:"lease_id"`
	// From selects the paying account. Nil selects the lease's first.
	From *util.Uint160 `json:"from,omitempty"`
	To   util.Uint160  `json:"to"`
	// Asset is AssetGAS or AssetNEO.
	Asset string `json:"asset"`
	// Amount is in the asset's smallest unit: datoshi for GAS, whole
	// tokens for NEO.
	Amount int64 `json:"amount"`
}

// TransferResponse names the transaction that carries the transfer.
type TransferResponse struct {
	TxHash util.Uint256 `json:"tx_hash"`
}
