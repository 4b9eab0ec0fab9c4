// Package contract is the consumer of neo-go's native oracle that the
// oracle benchmark compiles and deploys when it runs. It is for the
// benchmark only: anyone may call Request, and the caller pays the
// oracle's fees.
package contract

import (
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/ledger"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/oracle"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/std"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

const prefixRecord = "r"

// Request sends a request for url, filtered with the JSONPath filter, to
// the native oracle and attaches gasForResponse datoshi to pay for the
// response transaction. seq identifies the request in the callback. The
// Oracle contract adds its request price and gasForResponse to the GAS
// this transaction consumes, so the caller pays both through the system
// fee.
func Request(seq int, url string, filter string, gasForResponse int) {
	oracle.Request(url, []byte(filter), "callback", seq, gasForResponse)
}

// Callback stores [url, code, result, block] for request seq, the user
// data, where block is the index of the block that runs the callback, and
// emits Answered(seq, code, block). Only the Oracle contract may call it.
func Callback(url string, userData any, code int, result []byte) {
	if string(runtime.GetCallingScriptHash()) != oracle.Hash {
		panic("caller is not the oracle")
	}
	seq := userData.(int)
	// During a transaction the Ledger's current index is the previous
	// block, because the running block is stored after its transactions.
	block := ledger.CurrentIndex() + 1
	record := std.Serialize([]any{url, code, result, block})
	storage.Put(storage.GetContext(), key(seq), record)
	runtime.Notify("Answered", seq, code, block)
}

// Record returns [url, code, result, block] stored for request seq, or
// nil before its callback.
func Record(seq int) []any {
	record := storage.Get(storage.GetReadOnlyContext(), key(seq))
	if record == nil {
		return nil
	}
	return std.Deserialize(record.([]byte)).([]any)
}

func key(seq int) []byte {
	return append([]byte(prefixRecord), convert.ToBytes(seq)...)
}
