package gateway

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
)

// messageDomain is the ASCII prefix of every signed result message.
const messageDomain = "neo-service-layer/v1"

// CanonicalMessage returns the bytes a service signs for a result:
//
//	"neo-service-layer/v1" | u32le(network) | gateway (20 bytes) |
//	u32le(len(id)) id | u32le(len(service)) service | code (1 byte) |
//	u32le(len(result)) result
//
// where id is the NeoVM integer encoding of the request id. fulfill builds
// it from runtime.GetNetwork and the Gateway's own script hash. The method is
// public so that off-chain code can check its encoding against this one.
func CanonicalMessage(network int, gateway interop.Hash160, id int, service string, code int, result []byte) []byte {
	if len(gateway) != interop.Hash160Len {
		panic("invalid gateway hash")
	}
	if code < 0 || code > 255 {
		panic("invalid code")
	}

	idBytes := convert.ToBytes(id)
	msg := append([]byte(messageDomain), uint32LE(network)...)
	msg = append(msg, gateway...)
	msg = append(msg, uint32LE(len(idBytes))...)
	msg = append(msg, idBytes...)
	msg = append(msg, uint32LE(len(service))...)
	msg = append(msg, []byte(service)...)
	msg = append(msg, uint32LE(code)[:1]...)
	msg = append(msg, uint32LE(len(result))...)
	return append(msg, result...)
}

// uint32LE returns n (0 <= n < 2^32) as 4 little-endian bytes. Adding 2^32
// makes the NeoVM integer encoding exactly 5 bytes long, whose first 4 are
// the wanted ones.
func uint32LE(n int) []byte {
	if n < 0 || n > 0xffffffff {
		panic("value out of uint32 range")
	}
	return convert.ToBytes(n + 0x100000000)[:4]
}
