// Package oracleuser is a contract for devnet tests of the native oracle:
// it requests a URL and stores the response code and body of the callback.
package oracleuser

import (
	"github.com/nspcc-dev/neo-go/pkg/interop/native/oracle"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

// Request asks the native oracle for url, filtered with the JSONPath filter.
func Request(url string, filter string) {
	oracle.Request(url, []byte(filter), "callback", nil, oracle.MinimumResponseGas)
}

// Callback stores the oracle response. Only the Oracle contract may call it.
func Callback(url string, data any, code int, result []byte) {
	if string(runtime.GetCallingScriptHash()) != oracle.Hash {
		panic("caller is not the oracle")
	}
	ctx := storage.GetContext()
	storage.Put(ctx, "code", code)
	storage.Put(ctx, "result", result)
}

// Code returns the stored response code, or -1 before any response.
func Code() int {
	v := storage.Get(storage.GetReadOnlyContext(), "code")
	if v == nil {
		return -1
	}
	return v.(int)
}

// Result returns the stored response body.
func Result() []byte {
	return storage.Get(storage.GetReadOnlyContext(), "result").([]byte)
}
