// Package oracleconsumer is an example Gateway consumer of the "oracle"
// service. Its owner sends oracle payloads through it, and it stores the
// code and result the Gateway delivers for each request.
//
// Only the owner may send requests. The Secrets service grants secrets
// to requesting contracts, and an oracle payload chooses the URL that
// receives a resolved secret. A consumer that forwarded anyone's payload
// would therefore let anyone send the owner's secrets to any server. The
// contract accepts a callback only from the Gateway it was
// deployed with and only for a request it made itself, because anyone
// can create a Gateway request that names this contract as its callback.
package oracleconsumer

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/contract"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

const (
	keyGateway    = "gateway"
	keyOwner      = "owner"
	prefixPending = "p"
	prefixCode    = "c"
	prefixResult  = "r"
)

// _deploy stores the Gateway's script hash and the owner's, which data
// must hold in that order.
func _deploy(data any, isUpdate bool) {
	if isUpdate {
		return
	}
	args := data.([]any)
	if len(args) != 2 {
		panic("deploy data must be [gateway, owner]")
	}
	gateway := args[0].(interop.Hash160)
	owner := args[1].(interop.Hash160)
	if len(gateway) != interop.Hash160Len {
		panic("invalid gateway hash")
	}
	if len(owner) != interop.Hash160Len {
		panic("invalid owner hash")
	}
	ctx := storage.GetContext()
	storage.Put(ctx, keyGateway, gateway)
	storage.Put(ctx, keyOwner, owner)
}

// Request sends payload, a JSON oracle payload, to the Gateway's "oracle"
// service and returns the request id. The payload is not checked here,
// because the service fulfils a malformed one with code 0x20 (payload
// invalid).
func Request(payload []byte) int {
	ctx := storage.GetContext()
	owner := storage.Get(ctx, keyOwner).(interop.Hash160)
	if !runtime.CheckWitness(owner) {
		panic("caller is not the owner")
	}
	gateway := storage.Get(ctx, keyGateway).(interop.Hash160)

	id := contract.Call(gateway, "request", contract.All,
		"oracle", payload, runtime.GetExecutingScriptHash(), "onOracleResult").(int)
	storage.Put(ctx, key(prefixPending, id), true)
	return id
}

// OnOracleResult is the Gateway callback. It stores the code and the
// result, which is the filtered response on code 0 and a short reason on
// any other code.
//
// NOTE: the fulfilling service pays the storage fee of the result, up to
// the Gateway's 32 KiB cap. A consumer meant for large results should
// store a hash or the part it needs instead.
func OnOracleResult(id int, code int, result []byte) {
	ctx := storage.GetContext()
	gateway := storage.Get(ctx, keyGateway).(interop.Hash160)
	if !runtime.GetCallingScriptHash().Equals(gateway) {
		panic("caller is not the gateway")
	}
	pending := key(prefixPending, id)
	if storage.Get(ctx, pending) == nil {
		panic("unknown request")
	}

	storage.Put(ctx, key(prefixCode, id), code)
	storage.Put(ctx, key(prefixResult, id), result)
	storage.Delete(ctx, pending)
	runtime.Notify("OracleResult", id, code, len(result))
}

// Code returns the result code received for request id, or -1 when no
// result has arrived.
func Code(id int) int {
	code := storage.Get(storage.GetReadOnlyContext(), key(prefixCode, id))
	if code == nil {
		return -1
	}
	return convert.ToInteger(code)
}

// Result returns the result received for request id, or nil when none
// has arrived.
func Result(id int) []byte {
	res := storage.Get(storage.GetReadOnlyContext(), key(prefixResult, id))
	if res == nil {
		return nil
	}
	return res.([]byte)
}

func key(prefix string, id int) []byte {
	return append([]byte(prefix), convert.ToBytes(id)...)
}
