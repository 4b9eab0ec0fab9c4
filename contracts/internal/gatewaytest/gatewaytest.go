// Package gatewaytest sets up a neotest chain with the Gateway contract
// compiled from source and a registered "vrf" service key, for the contract
// tests of the Gateway and its consumers. It is test support only.
package gatewaytest

import (
	"crypto/sha256"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/neotest/chain"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/trigger"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

// Service is the service name whose key New registers.
const Service = "vrf"

// Env is a chain with a deployed Gateway.
type Env struct {
	*neotest.Executor
	// Owner administers the Gateway.
	Owner neotest.Signer
	// User is a funded account that pays for requests and fulfilments.
	User neotest.Signer
	// Gateway is the Gateway contract's script hash.
	Gateway util.Uint160
	// ServiceKey is the key registered for Service.
	ServiceKey *keys.PrivateKey
	// ServiceSigner signs with ServiceKey's standard account, which holds
	// no GAS.
	ServiceSigner neotest.SingleSigner
	// Attestation is the attestation hash registered with ServiceKey.
	Attestation [32]byte
}

// New starts a single-node chain, deploys the Gateway with expiryBlocks as
// its expiry window (0 for the default) and registers a fresh key for
// Service.
func New(t testing.TB, expiryBlocks int) *Env {
	t.Helper()

	bc, validator := chain.NewSingle(t)
	e := neotest.NewExecutor(t, bc, validator, validator)
	env := &Env{Executor: e, Owner: e.NewAccount(t), User: e.NewAccount(t)}

	gateway := Compile(t, e, "gateway")
	e.DeployContract(t, gateway, []any{env.Owner.ScriptHash(), expiryBlocks})
	env.Gateway = gateway.Hash

	env.ServiceKey, env.ServiceSigner = NewKey(t)
	env.Attestation = sha256.Sum256([]byte("attestation evidence"))
	env.OwnerInvoker().Invoke(t, stackitem.Null{}, "registerServiceKey",
		Service, env.ServiceKey.PublicKey().Bytes(), env.Attestation[:])
	return env
}

// NewKey returns a fresh secp256r1 key and a signer for its standard account.
func NewKey(t testing.TB) (*keys.PrivateKey, neotest.SingleSigner) {
	t.Helper()

	key, err := keys.NewPrivateKey()
	require.NoError(t, err)
	return key, neotest.NewSingleSigner(wallet.NewAccountFromPrivateKey(key))
}

// Compile compiles the contract in contracts/<dir> (or a path relative to
// contracts/) with its <name>.yml, for deployment by the validator.
func Compile(t testing.TB, e *neotest.Executor, dir string) *neotest.Contract {
	t.Helper()

	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	src := filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(dir))
	config := filepath.Join(src, filepath.Base(src)+".yml")
	return neotest.CompileFile(t, e.Validator.ScriptHash(), src, config)
}

// OwnerInvoker returns an invoker for the Gateway signed by the owner.
func (env *Env) OwnerInvoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.Gateway, env.Owner)
}

// UserInvoker returns an invoker for the Gateway signed by the user only.
func (env *Env) UserInvoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.Gateway, env.User)
}

// FulfillInvoker returns an invoker for the Gateway with the user paying and
// the service key co-signing.
func (env *Env) FulfillInvoker() *neotest.ContractInvoker {
	return env.NewInvoker(env.Gateway, env.User, env.ServiceSigner)
}

// Magic returns the chain's network magic.
func (env *Env) Magic() uint32 {
	return uint32(env.Chain.GetConfig().Magic)
}

// Sign returns the service key's signature of the canonical message for a
// result of request id from Service.
func (env *Env) Sign(id int64, code result.Code, res []byte) []byte {
	msg := result.Message(env.Magic(), env.Gateway, id, Service, code, res)
	return result.Sign(env.ServiceKey, msg)
}

// Fulfill sends a correctly signed fulfill and checks that it halts. It
// returns the transaction's execution result.
func (env *Env) Fulfill(t testing.TB, id int64, code result.Code, res []byte) *state.AppExecResult {
	t.Helper()

	tx := env.FulfillInvoker().Invoke(t, stackitem.Null{}, "fulfill", id, int64(code), res, env.Sign(id, code, res))
	return env.AppExec(t, tx)
}

// AppExec returns the application execution result of transaction tx.
func (env *Env) AppExec(t testing.TB, tx util.Uint256) *state.AppExecResult {
	t.Helper()

	aer, err := env.Chain.GetAppExecResults(tx, trigger.Application)
	require.NoError(t, err)
	require.Len(t, aer, 1)
	return &aer[0]
}

// InvokeFail sends method with args through inv and checks that the
// transaction faults with exactly the exception message msg.
func InvokeFail(t testing.TB, inv *neotest.ContractInvoker, msg string, method string, args ...any) {
	t.Helper()

	tx := inv.PrepareInvoke(t, method, args...)
	inv.AddNewBlock(t, tx)
	aer, err := inv.Chain.GetAppExecResults(tx.Hash(), trigger.Application)
	require.NoError(t, err)
	require.Equal(t, vmstate.Fault, aer[0].VMState, "%s must fault", method)
	require.True(t, strings.HasSuffix(aer[0].FaultException, "unhandled exception: \""+msg+"\""),
		"got fault %q, want message %q", aer[0].FaultException, msg)
}

// Event returns the notification named name emitted by contract in aer,
// failing the test unless there is exactly one.
func Event(t testing.TB, aer *state.AppExecResult, contract util.Uint160, name string) []stackitem.Item {
	t.Helper()

	var found []stackitem.Item
	count := 0
	for _, ev := range aer.Events {
		if ev.ScriptHash.Equals(contract) && ev.Name == name {
			found = ev.Item.Value().([]stackitem.Item)
			count++
		}
	}
	require.Equal(t, 1, count, "number of %s events", name)
	return found
}

// FulfillTx returns a fulfill transaction with args, signed by signers with
// the given witness scope. The first signer pays the fees.
func (env *Env) FulfillTx(t testing.TB, scope transaction.WitnessScope, signers []neotest.Signer, args ...any) *transaction.Transaction {
	t.Helper()

	tx := env.NewUnsignedTx(t, env.Gateway, "fulfill", args...)
	for _, s := range signers {
		tx.Signers = append(tx.Signers, transaction.Signer{Account: s.ScriptHash(), Scopes: scope})
	}
	neotest.AddNetworkFee(t, env.Chain, tx, signers...)
	env.AddSystemFee(tx, -1)
	for _, s := range signers {
		require.NoError(t, s.SignTx(env.Chain.GetConfig().Magic, tx))
	}
	return tx
}
