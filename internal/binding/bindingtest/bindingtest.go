// Package bindingtest runs the embedded Gateway and lottery contracts on an
// in-process neotest chain, with no RPC server, and serves read-only calls
// to binding.Gateway through Env.Call. It is test support for binding and
// the packages built on it, never used by the servicelayer binary.
package bindingtest

import (
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/neotest"
	"github.com/nspcc-dev/neo-go/pkg/neotest/chain"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/nef"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"
	"github.com/nspcc-dev/neo-go/pkg/wallet"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts"
	slresult "github.com/neo-service-layer/servicelayer/internal/result"
)

// Service is the service whose key New registers.
const Service = "vrf"

// Env is a chain with the Gateway and the lottery deployed and a key
// registered for Service.
type Env struct {
	*neotest.Executor
	t testing.TB
	// Owner administers the Gateway.
	Owner neotest.Signer
	// User pays for requests and fulfilments.
	User neotest.Signer
	// Gateway and Lottery are the contracts' script hashes.
	Gateway util.Uint160
	Lottery util.Uint160
	// ServiceKey is the key registered for Service, and ServiceSigner
	// signs with its standard account.
	ServiceKey    *keys.PrivateKey
	ServiceSigner neotest.SingleSigner
}

// New starts a single-node chain, deploys the embedded Gateway (expiry
// window expiryBlocks, 0 for the default) and lottery, and registers a
// fresh key for Service.
func New(t testing.TB, expiryBlocks int) *Env {
	t.Helper()

	bc, validator := chain.NewSingle(t)
	e := neotest.NewExecutor(t, bc, validator, validator)
	env := &Env{Executor: e, t: t, Owner: e.NewAccount(t), User: e.NewAccount(t)}

	env.Gateway = env.deploy(contracts.Gateway, []any{env.Owner.ScriptHash(), expiryBlocks})
	env.Lottery = env.deploy(contracts.Lottery, env.Gateway)
	env.ServiceKey, env.ServiceSigner = NewKey(t)
	env.RegisterServiceKey(env.ServiceKey.PublicKey())
	return env
}

func (env *Env) deploy(load func() (*nef.File, *manifest.Manifest, error), data any) util.Uint160 {
	env.t.Helper()

	ne, m, err := load()
	require.NoError(env.t, err)
	c := &neotest.Contract{
		Hash:     state.CreateContractHash(env.Validator.ScriptHash(), ne.Checksum, m.Name),
		NEF:      ne,
		Manifest: m,
	}
	env.DeployContract(env.t, c, data)
	return c.Hash
}

// NewKey returns a fresh secp256r1 key and a signer for its standard account.
func NewKey(t testing.TB) (*keys.PrivateKey, neotest.SingleSigner) {
	t.Helper()

	key, err := keys.NewPrivateKey()
	require.NoError(t, err)
	return key, neotest.NewSingleSigner(wallet.NewAccountFromPrivateKey(key))
}

// Call runs a read-only contract call against the newest block, as an RPC
// node's invokefunction would. A VM fault is returned as a FAULT result,
// not an error. Call implements binding.Invoker.
func (env *Env) Call(contract util.Uint160, operation string, params ...any) (*result.Invoke, error) {
	stack, err := env.NewInvoker(contract, env.User).TestInvoke(env.t, operation, params...)
	if err != nil {
		return &result.Invoke{State: vmstate.Fault.String(), FaultException: err.Error()}, nil
	}
	return &result.Invoke{State: vmstate.Halt.String(), Stack: stack.ToArray()}, nil
}

// GetBlockHash returns the hash of block index, as the RPC client's method
// of that name does.
func (env *Env) GetBlockHash(index uint32) (util.Uint256, error) {
	return env.Chain.GetHeaderHash(index), nil
}

// Magic returns the chain's network magic.
func (env *Env) Magic() uint32 {
	return uint32(env.Chain.GetConfig().Magic)
}

// Height returns the index of the newest block.
func (env *Env) Height() uint32 {
	return env.Chain.BlockHeight()
}

// RegisterServiceKey registers pub for Service, in a block of its own.
func (env *Env) RegisterServiceKey(pub *keys.PublicKey) {
	env.t.Helper()

	attestation := sha256.Sum256([]byte("attestation evidence"))
	env.NewInvoker(env.Gateway, env.Owner).Invoke(env.t, stackitem.Null{}, "registerServiceKey",
		Service, pub.Bytes(), attestation[:])
}

// SetServiceData sets a datum of service, in a block of its own.
func (env *Env) SetServiceData(service, name string, value []byte) {
	env.t.Helper()

	env.NewInvoker(env.Gateway, env.Owner).Invoke(env.t, stackitem.Null{}, "setServiceData", service, name, value)
}

// RequestRandom calls the lottery's requestRandom(words) and returns the
// Gateway request id.
func (env *Env) RequestRandom(words int) int64 {
	env.t.Helper()

	tx := env.NewInvoker(env.Lottery, env.User).PrepareInvoke(env.t, "requestRandom", words)
	env.AddNewBlock(env.t, tx)
	aer := env.CheckHalt(env.t, tx.Hash())
	return aer.Stack[0].Value().(*big.Int).Int64()
}

// Fulfill signs a result of request id with ServiceKey and sends it with
// the witness of ServiceSigner, checking that the transaction halts.
func (env *Env) Fulfill(id int64, code slresult.Code, res []byte) {
	env.t.Helper()

	msg := slresult.Message(env.Magic(), env.Gateway, id, Service, code, res)
	sig := slresult.Sign(env.ServiceKey, msg)
	env.NewInvoker(env.Gateway, env.User, env.ServiceSigner).Invoke(env.t, stackitem.Null{},
		"fulfill", id, int64(code), res, sig)
}

// Maker builds transactions signed by fixed signers, the first of which
// pays. It implements binding.TxMaker.
type Maker struct {
	env     *Env
	signers []neotest.Signer
}

// Maker returns a Maker whose transactions carry signers' witnesses.
func (env *Env) Maker(signers ...neotest.Signer) *Maker {
	return &Maker{env: env, signers: signers}
}

// MakeCall returns a signed transaction calling method on contract.
func (m *Maker) MakeCall(contract util.Uint160, method string, params ...any) (*transaction.Transaction, error) {
	return m.env.NewTx(m.env.t, m.signers, contract, method, params...), nil
}

// Send adds tx in a new block and checks that it halts.
func (env *Env) Send(tx *transaction.Transaction) *state.AppExecResult {
	env.t.Helper()

	env.AddNewBlock(env.t, tx)
	return env.CheckHalt(env.t, tx.Hash())
}
