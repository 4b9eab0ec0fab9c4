// Package counter is a small contract for devnet tests: it stores one
// integer, set at deployment and changed only by the deployer.
package counter

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

const (
	valueKey = "v"
	ownerKey = "o"
)

func _deploy(data any, isUpdate bool) {
	if isUpdate {
		return
	}
	ctx := storage.GetContext()
	storage.Put(ctx, ownerKey, runtime.GetScriptContainer().Sender)
	storage.Put(ctx, valueKey, data.(int))
}

// Get returns the stored value.
func Get() int {
	return storage.Get(storage.GetReadOnlyContext(), valueKey).(int)
}

// Set stores v. Only the deployer may call it.
func Set(v int) {
	ctx := storage.GetContext()
	owner := storage.Get(ctx, ownerKey).(interop.Hash160)
	if !runtime.CheckWitness(owner) {
		panic("caller is not the owner")
	}
	storage.Put(ctx, valueKey, v)
}
