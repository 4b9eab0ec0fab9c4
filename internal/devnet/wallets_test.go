package devnet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"
)

func newTestKey(t *testing.T) *keys.PrivateKey {
	t.Helper()
	k, err := keys.NewPrivateKey()
	require.NoError(t, err)
	return k
}

func requireMode0600(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "mode of %s", path)
}

func TestValidatorKeyPersists(t *testing.T) {
	dir := t.TempDir()

	first, err := loadValidatorKey(dir)
	require.NoError(t, err)
	second, err := loadValidatorKey(dir)
	require.NoError(t, err)

	require.Equal(t, first.Bytes(), second.Bytes(), "key after reload")
	requireMode0600(t, filepath.Join(dir, validatorWalletFile))
}

func TestValidatorWalletUnlocksWithDevPassword(t *testing.T) {
	dir := t.TempDir()
	k, err := loadValidatorKey(dir)
	require.NoError(t, err)

	w, err := wallet.NewWalletFromFile(filepath.Join(dir, validatorWalletFile))
	require.NoError(t, err)
	require.Len(t, w.Accounts, 2)

	// Consensus and the oracle find the validator account by the key's own
	// script hash. The committee account is the 1-of-1 multisig.
	single := w.GetAccount(k.GetScriptHash())
	require.NotNil(t, single, "validator account")
	require.NoError(t, single.Decrypt(DevPassword, w.Scrypt))
	require.Equal(t, k.Bytes(), single.PrivateKey().Bytes())

	multi := w.Accounts[1]
	require.Equal(t, committeeLabel, multi.Label)
	require.NoError(t, multi.Decrypt(DevPassword, w.Scrypt))
	require.NotEqual(t, single.ScriptHash(), multi.ScriptHash(), "committee is the multisig")
}

func TestLoadValidatorKeyRejectsWalletWithoutValidator(t *testing.T) {
	dir := t.TempDir()
	w := wallet.NewInMemoryWallet()
	require.NoError(t, writeWallet(filepath.Join(dir, validatorWalletFile), w))

	_, err := loadValidatorKey(dir)

	require.ErrorContains(t, err, `has no account labelled "validator"`)
}

func TestAccountStorePersists(t *testing.T) {
	dir := t.TempDir()
	store, err := openAccounts(dir)
	require.NoError(t, err)

	alice, created, err := store.get("alice")
	require.NoError(t, err)
	require.True(t, created, "alice created on first use")
	again, created, err := store.get("alice")
	require.NoError(t, err)
	require.False(t, created, "alice created twice")
	require.Equal(t, alice.Address, again.Address)
	requireMode0600(t, filepath.Join(dir, accountsWalletFile))

	reopened, err := openAccounts(dir)
	require.NoError(t, err)
	fromDisk, _, err := reopened.get("alice")
	require.NoError(t, err)
	require.Equal(t, alice.PrivateKey().Bytes(), fromDisk.PrivateKey().Bytes(), "alice key after reopen")
	require.Equal(t, "alice", fromDisk.Label)
}

func TestAccountStoreCopiesAreIndependent(t *testing.T) {
	store, err := openAccounts(t.TempDir())
	require.NoError(t, err)

	first, _, err := store.get("bob")
	require.NoError(t, err)
	want := first.PrivateKey().Bytes()
	first.Close()

	second, _, err := store.get("bob")
	require.NoError(t, err)
	require.True(t, second.CanSign(), "copy unlocked after another copy was closed")
	require.Equal(t, want, second.PrivateKey().Bytes())
}

func TestAccountStoreNamesDiffer(t *testing.T) {
	store, err := openAccounts(t.TempDir())
	require.NoError(t, err)

	a, _, err := store.get("a")
	require.NoError(t, err)
	b, _, err := store.get("b")
	require.NoError(t, err)

	require.NotEqual(t, a.Address, b.Address)
}
