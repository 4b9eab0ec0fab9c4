package gateway

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/contract"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/crypto"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/management"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/std"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

// Request states returned by status.
const (
	statusNone      = 0
	statusPending   = 1
	statusFulfilled = 2
	statusExpired   = 3
)

// Limits and fixed values. RequestCreated carries the payload, and NeoVM
// rejects a notification whose serialized state exceeds 1024 bytes. The other
// fields of that event take at most 136 bytes, so a payload of up to
// maxPayloadLen bytes always fits.
const (
	maxPayloadLen        = 800
	maxResultLen         = 32768
	maxCallbackMethodLen = 32
	callbackParams       = 3
	codeExpired          = 0x23
)

// Record is one stored request. getRequest returns its fields as an array in
// this order: service, requester, payload, callbackContract, callbackMethod,
// createdBlock, expiresAt, status, code, result, signature, fulfilledBlock,
// callbackOK.
type Record struct {
	Service          string
	Requester        interop.Hash160
	Payload          []byte
	CallbackContract interop.Hash160
	CallbackMethod   string
	// CreatedBlock is the index of the block that contains the request.
	CreatedBlock int
	// ExpiresAt is the last block index in which fulfill is accepted.
	ExpiresAt int
	Status    int
	Code      int
	Result    []byte
	Signature []byte
	// FulfilledBlock is the index of the block in which the request was
	// fulfilled or expired, 0 while it is pending.
	FulfilledBlock int
	// CallbackOK reports whether the last delivery of the result returned
	// without an exception. It is false for an expired request until
	// redeliver delivers the expiry.
	CallbackOK bool
}

// Request records a request for service and returns its id (the first is 1).
// The requester is the calling contract. When the request is fulfilled, and
// when redeliver is called after a failed delivery or an expiry, the Gateway
// calls callbackMethod(id, code, result) on callbackContract, which must be a
// deployed, non-native contract other than the Gateway with such a method.
func Request(service string, payload []byte, callbackContract interop.Hash160, callbackMethod string) int {
	ctx := storage.GetContext()
	if storage.Get(ctx, keyPaused) != nil {
		panic("gateway is paused")
	}
	if !hasServiceKey(ctx, service) {
		panic("unknown service")
	}
	if len(payload) == 0 {
		panic("empty payload")
	}
	if len(payload) > maxPayloadLen {
		panic("payload too large")
	}
	checkCallback(callbackContract, callbackMethod)

	id := 1
	if last := storage.Get(ctx, keyLastID); last != nil {
		id = convert.ToInteger(last) + 1
	}
	storage.Put(ctx, keyLastID, id)

	created := blockIndex()
	expiry := convert.ToInteger(storage.Get(ctx, keyExpiry))
	req := Record{
		Service:          service,
		Requester:        runtime.GetCallingScriptHash(),
		Payload:          payload,
		CallbackContract: callbackContract,
		CallbackMethod:   callbackMethod,
		CreatedBlock:     created,
		ExpiresAt:        created + expiry,
		Status:           statusPending,
		Result:           []byte{},
		Signature:        []byte{},
	}
	saveRequest(ctx, id, req)

	runtime.Notify("RequestCreated", id, service, req.Requester, payload, callbackContract, callbackMethod, req.ExpiresAt)
	return id
}

// checkCallback panics unless method can be called on target with three
// arguments. Checking now turns a typo into a failed request instead of a
// delivery that can never succeed.
func checkCallback(target interop.Hash160, method string) {
	if len(method) == 0 || len(method) > maxCallbackMethodLen || method[0] == '_' {
		panic("invalid callback method")
	}
	if len(target) != interop.Hash160Len || target.Equals(runtime.GetExecutingScriptHash()) {
		panic("invalid callback contract")
	}
	cs := management.GetContract(target)
	if cs == nil {
		panic("callback contract not found")
	}
	if cs.ID < 0 {
		panic("invalid callback contract")
	}
	if !management.HasMethod(target, method, callbackParams) {
		panic("callback method not found")
	}
}

// Fulfill stores the result of a pending request and delivers it to the
// callback. The transaction must carry the witness of the key of the
// request's service in force in this block (see ServiceKeyAt), and signature
// must be that key's signature of CanonicalMessage for this network,
// Gateway, request, code and result. A callback that throws leaves the
// request fulfilled with callbackOK false.
func Fulfill(id int, code int, result []byte, signature []byte) {
	ctx := storage.GetContext()
	req := pendingRequest(ctx, id)
	now := blockIndex()
	if now > req.ExpiresAt {
		panic("request has expired")
	}
	if code < 0 || code > 255 {
		panic("invalid code")
	}
	if len(result) > maxResultLen {
		panic("result too large")
	}

	pub := keyInForce(ctx, req.Service, now)
	if pub == nil {
		panic("no service key in force")
	}
	if !runtime.CheckWitness(pub) {
		panic("missing service key witness")
	}
	if len(signature) != interop.SignatureLen {
		panic("invalid signature")
	}
	msg := CanonicalMessage(runtime.GetNetwork(), runtime.GetExecutingScriptHash(), id, req.Service, code, result)
	if !crypto.VerifyWithECDsa(msg, pub, signature, crypto.Secp256r1Sha256) {
		panic("invalid signature")
	}

	req.Status = statusFulfilled
	req.Code = code
	req.Result = result
	req.Signature = signature
	req.FulfilledBlock = now
	ok := deliver(ctx, id, req)
	runtime.Notify("RequestFulfilled", id, code, ok)
}

// Expire closes a pending request whose expiry height has passed: it stores
// code 0x23 (expired) with an empty result and callbackOK false, and emits
// RequestExpired. It never calls the callback, so a callback that aborts or
// runs out of GAS cannot keep a request pending. Anyone may call it, and
// anyone may then call redeliver to deliver the expiry to the consumer.
func Expire(id int) {
	ctx := storage.GetContext()
	req := pendingRequest(ctx, id)
	now := blockIndex()
	if now <= req.ExpiresAt {
		panic("request has not expired")
	}

	req.Status = statusExpired
	req.Code = codeExpired
	req.Result = []byte{}
	req.FulfilledBlock = now
	req.CallbackOK = false
	saveRequest(ctx, id, req)
	runtime.Notify("RequestExpired", id)
}

// Redeliver calls the callback of a fulfilled or expired request with
// exactly the stored code and result, when the last delivery threw or, for
// an expired request, none was made yet. Anyone may call it: it cannot change
// what the consumer receives.
func Redeliver(id int) {
	ctx := storage.GetContext()
	req := loadRequest(ctx, id)
	if req.Status == statusPending {
		panic("request is pending")
	}
	if req.CallbackOK {
		panic("callback already succeeded")
	}

	ok := deliver(ctx, id, req)
	runtime.Notify("CallbackRedelivered", id, ok)
}

// Status returns the state of request id: 0 unknown, 1 pending, 2 fulfilled,
// 3 expired.
func Status(id int) int {
	data := storage.Get(storage.GetReadOnlyContext(), requestKey(id))
	if data == nil {
		return statusNone
	}
	return std.Deserialize(data.([]byte)).(Record).Status
}

// GetRequest returns request id as an array in the field order of Record,
// or nil if there is no such request.
func GetRequest(id int) []any {
	data := storage.Get(storage.GetReadOnlyContext(), requestKey(id))
	if data == nil {
		return nil
	}
	return std.Deserialize(data.([]byte)).([]any)
}

// deliver saves req, calls its callback with the stored code and result and
// records whether the call returned. CallbackOK is saved as true before the
// call so that the callback cannot re-enter redeliver for the same request.
func deliver(ctx storage.Context, id int, req Record) bool {
	req.CallbackOK = true
	saveRequest(ctx, id, req)

	ok := management.HasMethod(req.CallbackContract, req.CallbackMethod, callbackParams) &&
		call(req.CallbackContract, req.CallbackMethod, id, req.Code, req.Result)
	if !ok {
		req.CallbackOK = false
		saveRequest(ctx, id, req)
	}
	return ok
}

// call invokes method on target and returns false if it throws. The VM rolls
// back the storage changes and notifications of a call that throws.
// NOTE: only exceptions are caught. A callback that runs out of GAS or fails a
// system call (ABORT, a disallowed call, invalid arguments) faults the whole
// transaction, so fulfill and redeliver for that request keep failing. The
// request then stays pending until its expiry height, when expire, which
// makes no call, closes it.
func call(target interop.Hash160, method string, id int, code int, result []byte) bool {
	defer func() {
		recover()
	}()
	contract.Call(target, method, contract.All, id, code, result)
	return true
}

func requestKey(id int) []byte {
	return append([]byte(prefixRequest), convert.ToBytes(id)...)
}

func loadRequest(ctx storage.Context, id int) Record {
	data := storage.Get(ctx, requestKey(id))
	if data == nil {
		panic("unknown request")
	}
	return std.Deserialize(data.([]byte)).(Record)
}

func pendingRequest(ctx storage.Context, id int) Record {
	req := loadRequest(ctx, id)
	if req.Status != statusPending {
		panic("request is not pending")
	}
	return req
}

func saveRequest(ctx storage.Context, id int, req Record) {
	storage.Put(ctx, requestKey(id), std.Serialize(req))
}
