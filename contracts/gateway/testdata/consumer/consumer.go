// Package consumer is a test-only Gateway consumer whose callback can be
// switched to succeed, throw, abort, run out of GAS or re-enter the Gateway.
package consumer

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/contract"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
	"github.com/nspcc-dev/neo-go/pkg/interop/util"
)

// Callback behaviours selected with SetMode.
const (
	modeAccept    = 0
	modeThrow     = 1
	modeAbort     = 2
	modeRedeliver = 3
	modeBurn      = 4
)

const (
	keyGateway = "gateway"
	keyMode    = "mode"
	keyScratch = "scratch"
	keyCount   = "count"
)

func _deploy(data any, isUpdate bool) {
	if isUpdate {
		return
	}
	storage.Put(storage.GetContext(), keyGateway, data.(interop.Hash160))
}

// SetMode selects what OnResult does next.
func SetMode(mode int) {
	storage.Put(storage.GetContext(), keyMode, mode)
}

// OnResult is the Gateway callback. It writes to storage before it acts on
// the mode, so a test can check that a throwing callback leaves no trace.
func OnResult(id int, code int, result []byte) {
	ctx := storage.GetContext()
	storage.Put(ctx, keyScratch, id)

	mode := 0
	if stored := storage.Get(ctx, keyMode); stored != nil {
		mode = convert.ToInteger(stored)
	}
	switch mode {
	case modeThrow:
		panic("callback failed on purpose")
	case modeAbort:
		util.Abort()
	case modeRedeliver:
		gateway := storage.Get(ctx, keyGateway).(interop.Hash160)
		contract.Call(gateway, "redeliver", contract.All, id)
	case modeBurn:
		burn()
	}

	storage.Put(ctx, keyCount, Deliveries()+1)
	runtime.Notify("Delivered", id, code, result)
}

// burn loops until the transaction runs out of GAS.
func burn() {
	n := 0
	for n >= 0 {
		n++
	}
}

// Scratch returns the id stored by the last OnResult that was not rolled
// back, or nil.
func Scratch() any {
	return storage.Get(storage.GetReadOnlyContext(), keyScratch)
}

// Deliveries returns how many callbacks completed.
func Deliveries() int {
	count := storage.Get(storage.GetReadOnlyContext(), keyCount)
	if count == nil {
		return 0
	}
	return convert.ToInteger(count)
}
