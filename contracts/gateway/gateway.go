package gateway

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/ledger"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/management"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

// Storage keys. Request keys append the request id (NeoVM integer bytes) to
// prefixRequest. Service keys and data are kept as histories (registry.go).
const (
	keyOwner           = "owner"
	keyPaused          = "paused"
	keyExpiry          = "expiry"
	keyLastID          = "lastid"
	prefixRequest      = "r"
	defaultExpiry      = 100
	maxServiceNameLen  = 32
	attestationHashLen = 32
)

// _deploy stores the owner and the expiry window from data, which must be
// [owner Hash160, expiryBlocks int]. An expiryBlocks of 0 selects
// defaultExpiry.
func _deploy(data any, isUpdate bool) {
	if isUpdate {
		return
	}

	args := data.([]any)
	if len(args) != 2 {
		panic("invalid deploy data")
	}
	owner := args[0].(interop.Hash160)
	if len(owner) != interop.Hash160Len {
		panic("invalid owner")
	}
	expiry := args[1].(int)
	if expiry == 0 {
		expiry = defaultExpiry
	}
	if expiry < 0 {
		panic("invalid expiry")
	}

	ctx := storage.GetContext()
	storage.Put(ctx, keyOwner, owner)
	storage.Put(ctx, keyExpiry, expiry)
}

// checkOwner panics unless the transaction carries the owner's witness.
func checkOwner(ctx storage.Context) {
	owner := storage.Get(ctx, keyOwner).(interop.Hash160)
	if !runtime.CheckWitness(owner) {
		panic("caller is not the owner")
	}
}

// Owner returns the script hash of the account allowed to administer the
// Gateway.
func Owner() interop.Hash160 {
	return storage.Get(storage.GetReadOnlyContext(), keyOwner).(interop.Hash160)
}

// Pause stops new requests. Pending requests can still be fulfilled,
// re-delivered and expired, so none waits forever. Owner only.
func Pause() {
	ctx := storage.GetContext()
	checkOwner(ctx)
	storage.Put(ctx, keyPaused, 1)
	runtime.Notify("Paused")
}

// Unpause accepts new requests again. Owner only.
func Unpause() {
	ctx := storage.GetContext()
	checkOwner(ctx)
	storage.Delete(ctx, keyPaused)
	runtime.Notify("Unpaused")
}

// IsPaused reports whether new requests are rejected.
func IsPaused() bool {
	return storage.Get(storage.GetReadOnlyContext(), keyPaused) != nil
}

// SetExpiry sets the number of blocks after its creation block during which
// a new request can be fulfilled. Existing requests keep their expiry height.
// Owner only.
func SetExpiry(blocks int) {
	ctx := storage.GetContext()
	checkOwner(ctx)
	if blocks <= 0 {
		panic("invalid expiry")
	}
	storage.Put(ctx, keyExpiry, blocks)
}

// ExpiryBlocks returns the expiry window given to new requests, in blocks.
func ExpiryBlocks() int {
	return convert.ToInteger(storage.Get(storage.GetReadOnlyContext(), keyExpiry))
}

// Update replaces the contract's script and manifest, keeping its storage.
// Owner only.
func Update(nef []byte, manifest []byte) {
	checkOwner(storage.GetReadOnlyContext())
	management.Update(nef, manifest)
}

// blockIndex returns the index of the block whose transactions are being
// executed. During that execution the Ledger's current index is still the
// previous block's.
func blockIndex() int {
	return ledger.CurrentIndex() + 1
}
