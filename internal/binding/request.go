package binding

import (
	"fmt"
	"math"
	"math/big"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"

	slresult "github.com/neo-service-layer/servicelayer/internal/result"
)

// Request is one Gateway request with its fulfilment, as getRequest
// returns it.
type Request struct {
	ID               int64
	Service          string
	Requester        util.Uint160
	Payload          []byte
	CallbackContract util.Uint160
	CallbackMethod   string
	CreatedBlock     uint32
	ExpiresAt        uint32 // last block height at which fulfill is accepted
	Status           Status
	Code             slresult.Code
	Result           []byte
	Signature        []byte
	FulfilledBlock   uint32
	CallbackOK       bool
}

// requestFields is the length of the getRequest array; the order is
// service, requester, payload, callbackContract, callbackMethod,
// createdBlock, expiresAt, status, code, result, signature,
// fulfilledBlock, callbackOK.
const requestFields = 13

func decodeRequest(item stackitem.Item) (*Request, error) {
	arr, ok := item.Value().([]stackitem.Item)
	if !ok {
		return nil, fmt.Errorf("got %s, want an array", item.Type())
	}
	if len(arr) != requestFields {
		return nil, fmt.Errorf("got %d fields, want %d", len(arr), requestFields)
	}

	d := decoder{arr: arr}
	r := &Request{
		Service:          d.text(0, "service"),
		Requester:        d.hash(1, "requester"),
		Payload:          d.bytes(2, "payload"),
		CallbackContract: d.hash(3, "callbackContract"),
		CallbackMethod:   d.text(4, "callbackMethod"),
		CreatedBlock:     d.height(5, "createdBlock"),
		ExpiresAt:        d.height(6, "expiresAt"),
		Status:           Status(d.integer(7, "status", 0, 3)),
		Code:             slresult.Code(d.integer(8, "code", 0, 255)),
		Result:           d.bytes(9, "result"),
		Signature:        d.bytes(10, "signature"),
		FulfilledBlock:   d.height(11, "fulfilledBlock"),
		CallbackOK:       d.boolean(12, "callbackOK"),
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// decoder reads typed fields from a stack item array and keeps the first
// error, so a decode reads as one list of fields.
type decoder struct {
	arr []stackitem.Item
	err error
}

func (d *decoder) fail(field string, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("field %s: %w", field, err)
	}
}

func (d *decoder) bytes(i int, field string) []byte {
	if _, ok := d.arr[i].(stackitem.Null); ok {
		return nil
	}
	b, err := d.arr[i].TryBytes()
	if err != nil {
		d.fail(field, err)
	}
	return b
}

func (d *decoder) text(i int, field string) string {
	return string(d.bytes(i, field))
}

func (d *decoder) hash(i int, field string) util.Uint160 {
	b := d.bytes(i, field)
	if d.err != nil {
		return util.Uint160{}
	}
	h, err := util.Uint160DecodeBytesBE(b)
	if err != nil {
		d.fail(field, err)
	}
	return h
}

func (d *decoder) integer(i int, field string, lo, hi int64) int64 {
	var n *big.Int
	if _, ok := d.arr[i].(stackitem.Null); ok {
		n = big.NewInt(0)
	} else {
		var err error
		n, err = d.arr[i].TryInteger()
		if err != nil {
			d.fail(field, err)
			return 0
		}
	}
	if !n.IsInt64() || n.Int64() < lo || n.Int64() > hi {
		d.fail(field, fmt.Errorf("value %s out of range %d..%d", n, lo, hi))
		return 0
	}
	return n.Int64()
}

func (d *decoder) height(i int, field string) uint32 {
	return uint32(d.integer(i, field, 0, math.MaxUint32))
}

func (d *decoder) boolean(i int, field string) bool {
	if _, ok := d.arr[i].(stackitem.Null); ok {
		return false
	}
	b, err := d.arr[i].TryBool()
	if err != nil {
		d.fail(field, err)
	}
	return b
}
