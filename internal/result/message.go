package result

import (
	"crypto/sha256"
	"encoding/binary"
	"math/big"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/encoding/bigint"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Domain is the ASCII prefix of every canonical message. It separates these
// signatures from any other use of a service key and names the encoding
// version.
const Domain = "neo-service-layer/v1"

// SignatureLen is the length of a signature in bytes: r and s, 32 bytes each,
// big-endian.
const SignatureLen = 64

// Message returns the canonical bytes that service signs for its result of
// request requestID, sent through the Gateway contract gateway on the network
// with the given magic. The Gateway builds the same bytes from
// runtime.GetNetwork and its own script hash, so a signature is valid for one
// network, one Gateway deployment and one request only.
func Message(magic uint32, gateway util.Uint160, requestID int64, service string, code Code, result []byte) []byte {
	id := bigint.ToBytes(big.NewInt(requestID))
	size := len(Domain) + 4 + util.Uint160Size + 4 + len(id) + 4 + len(service) + 1 + 4 + len(result)

	msg := make([]byte, 0, size)
	msg = append(msg, Domain...)
	msg = binary.LittleEndian.AppendUint32(msg, magic)
	msg = append(msg, gateway.BytesBE()...)
	msg = appendField(msg, id)
	msg = appendField(msg, []byte(service))
	msg = append(msg, byte(code))
	return appendField(msg, result)
}

// appendField appends the length of field as a little-endian uint32, then
// field itself.
func appendField(msg, field []byte) []byte {
	msg = binary.LittleEndian.AppendUint32(msg, uint32(len(field)))
	return append(msg, field...)
}

// Sign returns the 64-byte r||s ECDSA signature of msg's SHA-256 digest, the
// form CryptoLib's verifyWithECDsa checks with curve hash Secp256r1Sha256.
// The nonce is derived from the key and digest (RFC 6979), so the same key
// and message always give the same signature.
func Sign(key *keys.PrivateKey, msg []byte) []byte {
	return key.Sign(msg)
}

// Verify reports whether sig is a valid signature of msg by pub, checked the
// way the Gateway contract checks it.
func Verify(pub *keys.PublicKey, msg, sig []byte) bool {
	digest := sha256.Sum256(msg)
	return pub.Verify(sig, digest[:])
}
