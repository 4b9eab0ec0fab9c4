package devnet

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/gas"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
)

// Account returns the dev account called name, unlocked for signing. The
// first call for a name generates a key and stores it in accounts.json in
// DataDir (mode 0600), so later calls and restarts return the same key.
// Each call returns a new *wallet.Account: closing it affects no other copy.
// Dev account keys are for development only (see DevPassword).
func (c *Chain) Account(name string) (*wallet.Account, error) {
	if name == "" {
		return nil, errors.New("dev account name is empty")
	}

	acc, created, err := c.accounts.get(name)
	if err != nil {
		return nil, fmt.Errorf("load dev account %q: %w", name, err)
	}
	if created {
		c.log.Info("dev account created", "account", name, "address", acc.Address)
	}
	return acc, nil
}

// Fund makes sure that account to holds at least amount datoshi of GAS (one
// GAS is OneGAS). It transfers the missing part from the committee account
// and waits until a block includes the transfer. When the balance already
// suffices it sends nothing, so repeating a Fund, also after a restart,
// costs nothing. Concurrent calls for one account may each transfer.
func (c *Chain) Fund(ctx context.Context, to util.Uint160, amount int64) error {
	addr := address.Uint160ToString(to)
	if amount <= 0 {
		return fmt.Errorf("fund %s: amount %d datoshi is not positive", addr, amount)
	}

	want := big.NewInt(amount)
	balance := c.node.chain.GetUtilityTokenBalance(to, util.Uint160{})
	if balance.Cmp(want) >= 0 {
		c.log.Debug("account already funded", "address", addr, "balance", balance)
		return nil
	}

	missing := new(big.Int).Sub(want, balance)
	h, vub, err := gas.New(c.committee).Transfer(c.CommitteeHash(), to, missing, nil)
	if err != nil {
		return fmt.Errorf("send GAS to %s: %w", addr, err)
	}
	if _, err := c.wait(ctx, h, vub); err != nil {
		return fmt.Errorf("fund %s: %w", addr, err)
	}

	c.log.Info("account funded", "address", addr, "datoshi", missing, "tx_hash", h.StringLE())
	return nil
}

// LoadAccount reads the existing dev account called name from the
// accounts wallet in dataDir, unlocked, without starting a chain. Other
// processes of a dev cluster use it to sign with accounts the chain
// process created. It never creates an account.
func LoadAccount(dataDir, name string) (*wallet.Account, error) {
	path := filepath.Join(dataDir, accountsWalletFile)
	w, err := wallet.NewWalletFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("read accounts wallet %s: %w", path, err)
	}
	for _, stored := range w.Accounts {
		if stored.Label != name {
			continue
		}
		acc, err := wallet.NewAccountFromEncryptedWIF(stored.EncryptedWIF, DevPassword, w.Scrypt)
		if err != nil {
			return nil, fmt.Errorf("decrypt account %q in %s: %w", name, path, err)
		}
		acc.Label = name
		return acc, nil
	}
	return nil, fmt.Errorf("no dev account %q in %s: start the chain first", name, path)
}

// LoadCommittee returns the committee account of the chain in dataDir,
// unlocked, without starting the chain: the 1-of-1 multisig of the
// validator key, which owns the dev contracts. Dev cluster processes use
// it for owner-only calls such as registering their service keys.
func LoadCommittee(dataDir string) (*wallet.Account, error) {
	if _, err := os.Stat(filepath.Join(dataDir, validatorWalletFile)); err != nil {
		return nil, fmt.Errorf("committee wallet: %w (start the chain first)", err)
	}
	key, err := loadValidatorKey(dataDir)
	if err != nil {
		return nil, err
	}
	acc := wallet.NewAccountFromPrivateKey(key)
	if err := acc.ConvertMultisig(1, keys.PublicKeys{key.PublicKey()}); err != nil {
		return nil, fmt.Errorf("build committee account: %w", err)
	}
	return acc, nil
}
