package devnet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
)

const (
	validatorWalletFile = "validator.json"
	accountsWalletFile  = "accounts.json"

	validatorLabel = "validator"
	committeeLabel = "committee"
)

// devScrypt is the scrypt cost of devnet wallets. NEP-2's default cost
// (N=16384, r=8, p=8) is spent again by consensus and the oracle each time
// they unlock the wallet, and buys nothing while the password is public.
var devScrypt = keys.ScryptParams{N: 16, R: 1, P: 1}

// loadValidatorKey returns the validator key from validator.json in dir,
// creating the wallet with a new key on first use. The returned key is a
// copy owned by the caller.
func loadValidatorKey(dir string) (*keys.PrivateKey, error) {
	path := filepath.Join(dir, validatorWalletFile)

	w, err := wallet.NewWalletFromFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createValidatorWallet(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read validator wallet: %w", err)
	}

	for _, acc := range w.Accounts {
		if acc.Label != validatorLabel {
			continue
		}
		k, err := keys.NEP2Decrypt(acc.EncryptedWIF, DevPassword, w.Scrypt)
		if err != nil {
			return nil, fmt.Errorf("decrypt validator key in %s: %w", path, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("validator wallet %s has no account labelled %q", path, validatorLabel)
}

// createValidatorWallet writes a new validator key to path as two accounts:
// the key's own account, which consensus and the oracle look up, and the
// 1-of-1 committee multisig, which holds the genesis GAS.
func createValidatorWallet(path string) (*keys.PrivateKey, error) {
	k, err := keys.NewPrivateKey()
	if err != nil {
		return nil, fmt.Errorf("generate validator key: %w", err)
	}

	single, err := newWalletAccount(k, validatorLabel)
	if err != nil {
		return nil, err
	}
	multi, err := newWalletAccount(k, committeeLabel)
	if err != nil {
		return nil, err
	}
	if err := multi.ConvertMultisig(1, keys.PublicKeys{k.PublicKey()}); err != nil {
		return nil, fmt.Errorf("build committee account: %w", err)
	}

	w := wallet.NewInMemoryWallet()
	w.Scrypt = devScrypt
	w.AddAccount(single)
	w.AddAccount(multi)
	if err := writeWallet(path, w); err != nil {
		return nil, err
	}
	return k, nil
}

// newWalletAccount returns an account for a copy of k, labelled and
// encrypted with DevPassword, so wiping the account never touches k.
func newWalletAccount(k *keys.PrivateKey, label string) (*wallet.Account, error) {
	kc, err := copyKey(k)
	if err != nil {
		return nil, err
	}

	acc := wallet.NewAccountFromPrivateKey(kc)
	acc.Label = label
	if err := acc.Encrypt(DevPassword, devScrypt); err != nil {
		return nil, fmt.Errorf("encrypt %s key: %w", label, err)
	}
	return acc, nil
}

func copyKey(k *keys.PrivateKey) (*keys.PrivateKey, error) {
	kc, err := keys.NewPrivateKeyFromBytes(k.Bytes())
	if err != nil {
		return nil, fmt.Errorf("copy private key: %w", err)
	}
	return kc, nil
}

// writeWallet writes w to path with mode 0600, replacing any old file only
// once the new one is complete.
func writeWallet(path string, w *wallet.Wallet) error {
	data, err := w.JSON()
	if err != nil {
		return fmt.Errorf("encode wallet %s: %w", path, err)
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write wallet %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // Fails harmlessly after the rename.

	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write wallet %s: %w", path, err)
	}
	return nil
}

// accountStore is the set of named dev accounts in accounts.json. It is safe
// for concurrent use.
type accountStore struct {
	path string

	mu sync.Mutex // guards w and the file at path
	w  *wallet.Wallet
}

func openAccounts(dir string) (*accountStore, error) {
	path := filepath.Join(dir, accountsWalletFile)

	w, err := wallet.NewWalletFromFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		w = wallet.NewInMemoryWallet()
		w.Scrypt = devScrypt
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("read accounts wallet: %w", err)
	}
	return &accountStore{path: path, w: w}, nil
}

// get returns a new, unlocked copy of the account labelled name, creating
// and saving the account on first use (then created is true). Closing the
// copy does not affect the store.
func (s *accountStore) get(name string) (acc *wallet.Account, created bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	stored := s.find(name)
	if stored == nil {
		if stored, err = s.create(name); err != nil {
			return nil, false, err
		}
		created = true
	}

	acc, err = wallet.NewAccountFromEncryptedWIF(stored.EncryptedWIF, DevPassword, s.w.Scrypt)
	if err != nil {
		return nil, false, fmt.Errorf("decrypt account %q: %w", name, err)
	}
	acc.Label = name
	return acc, created, nil
}

func (s *accountStore) find(name string) *wallet.Account {
	for _, acc := range s.w.Accounts {
		if acc.Label == name {
			return acc
		}
	}
	return nil
}

func (s *accountStore) create(name string) (*wallet.Account, error) {
	k, err := keys.NewPrivateKey()
	if err != nil {
		return nil, fmt.Errorf("generate key for account %q: %w", name, err)
	}
	acc := wallet.NewAccountFromPrivateKey(k)
	acc.Label = name
	if err := acc.Encrypt(DevPassword, s.w.Scrypt); err != nil {
		return nil, fmt.Errorf("encrypt account %q: %w", name, err)
	}
	acc.Close()

	s.w.AddAccount(acc)
	if err := writeWallet(s.path, s.w); err != nil {
		s.w.Accounts = s.w.Accounts[:len(s.w.Accounts)-1]
		return nil, err
	}
	return acc, nil
}
