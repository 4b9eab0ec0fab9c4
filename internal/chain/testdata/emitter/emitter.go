// Package emitter is a contract for chain tests: it emits numbered
// notifications on request and stores nothing.
package emitter

import "github.com/nspcc-dev/neo-go/pkg/interop/runtime"

// Emit sends count Ping notifications numbered first, first+1, ... and
// then one Other notification carrying first.
func Emit(first, count int) {
	for i := 0; i < count; i++ {
		runtime.Notify("Ping", first+i)
	}
	runtime.Notify("Other", first)
}
