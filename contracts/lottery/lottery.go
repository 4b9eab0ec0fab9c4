// Package lottery is an example Gateway consumer. It requests random words
// from the "vrf" service and stores the words it receives.
//
// It accepts a callback only from the Gateway it was deployed with and only
// for a request it made itself, because anyone can create a Gateway request
// that names this contract as its callback.
package lottery

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/contract"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/std"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

const (
	keyGateway    = "gateway"
	prefixPending = "p"
	prefixCode    = "c"
	prefixWords   = "w"

	wordLen = 32
	// wordsOffset is where the words start in a VRF result: the compressed
	// VRF public key (33 bytes), then the proof (81 bytes).
	wordsOffset = 33 + 81
)

// _deploy stores the Gateway's script hash, which data must be.
func _deploy(data any, isUpdate bool) {
	if isUpdate {
		return
	}
	gateway := data.(interop.Hash160)
	if len(gateway) != interop.Hash160Len {
		panic("invalid gateway hash")
	}
	storage.Put(storage.GetContext(), keyGateway, gateway)
}

// RequestRandom requests count 32-byte random words from the Gateway's "vrf"
// service and returns the request id. The count is not checked here, because
// the service rejects a count outside 1..500 with code 0x20 (payload invalid)
// and the demo uses that to show a typed error reaching the callback.
func RequestRandom(count int) int {
	ctx := storage.GetContext()
	gateway := storage.Get(ctx, keyGateway).(interop.Hash160)

	payload := "{\"words\":" + std.Itoa10(count) + "}"
	id := contract.Call(gateway, "request", contract.All,
		"vrf", []byte(payload), runtime.GetExecutingScriptHash(), "onRandom").(int)
	storage.Put(ctx, key(prefixPending, id), count)
	return id
}

// OnRandom is the Gateway callback. On code 0 it stores the words from the
// VRF result, which must hold exactly the requested number of words. On any
// other code it stores only the code.
func OnRandom(id int, code int, result []byte) {
	ctx := storage.GetContext()
	gateway := storage.Get(ctx, keyGateway).(interop.Hash160)
	if !runtime.GetCallingScriptHash().Equals(gateway) {
		panic("caller is not the gateway")
	}
	pending := key(prefixPending, id)
	requested := storage.Get(ctx, pending)
	if requested == nil {
		panic("unknown request")
	}

	count := 0
	if code == 0 {
		if len(result) != wordsOffset+convert.ToInteger(requested)*wordLen {
			panic("invalid vrf result length")
		}
		words := result[wordsOffset:]
		count = len(words) / wordLen
		storage.Put(ctx, key(prefixWords, id), words)
	}
	storage.Put(ctx, key(prefixCode, id), code)
	storage.Delete(ctx, pending)
	runtime.Notify("RandomReceived", id, code, count)
}

// Words returns the random words received for request id, each 32 bytes, or
// nil when none were received.
func Words(id int) [][]byte {
	data := storage.Get(storage.GetReadOnlyContext(), key(prefixWords, id))
	if data == nil {
		return nil
	}
	packed := data.([]byte)
	words := [][]byte{}
	for i := 0; i < len(packed); i += wordLen {
		words = append(words, packed[i:i+wordLen])
	}
	return words
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

func key(prefix string, id int) []byte {
	return append([]byte(prefix), convert.ToBytes(id)...)
}
