package binding

import (
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
)

// Gateway event names.
const (
	EventRequestCreated   = "RequestCreated"
	EventRequestFulfilled = "RequestFulfilled"
)

// RequestCreated is the decoded RequestCreated event:
// (id, service, requester, payload, callbackContract, callbackMethod, expiresAt).
type RequestCreated struct {
	ID               int64
	Service          string
	Requester        util.Uint160
	Payload          []byte
	CallbackContract util.Uint160
	CallbackMethod   string
	ExpiresAt        uint32
}

// ParseRequestCreated decodes the state array of a RequestCreated event.
func ParseRequestCreated(item stackitem.Item) (RequestCreated, error) {
	arr, ok := item.Value().([]stackitem.Item)
	if !ok {
		return RequestCreated{}, fmt.Errorf("decode %s: got %s, want an array", EventRequestCreated, item.Type())
	}
	if len(arr) != 7 {
		return RequestCreated{}, fmt.Errorf("decode %s: got %d fields, want 7", EventRequestCreated, len(arr))
	}

	d := decoder{arr: arr}
	ev := RequestCreated{
		ID:               d.integer(0, "id", 1, 1<<62),
		Service:          d.text(1, "service"),
		Requester:        d.hash(2, "requester"),
		Payload:          d.bytes(3, "payload"),
		CallbackContract: d.hash(4, "callbackContract"),
		CallbackMethod:   d.text(5, "callbackMethod"),
		ExpiresAt:        d.height(6, "expiresAt"),
	}
	if d.err != nil {
		return RequestCreated{}, fmt.Errorf("decode %s: %w", EventRequestCreated, d.err)
	}
	return ev, nil
}
