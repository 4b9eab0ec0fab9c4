// Package result defines the result codes a service returns for a request and
// the canonical message a service signs so that the Gateway contract accepts
// its result.
//
// The message is a length-prefixed byte string that the Gateway contract
// rebuilds on chain, byte for byte:
//
//	"neo-service-layer/v1"          20 ASCII bytes, no length prefix
//	u32le(network magic)            4 bytes
//	gateway script hash             20 bytes, util.Uint160.BytesBE()
//	u32le(len(id)) id               NeoVM integer encoding of the request id
//	u32le(len(service)) service     UTF-8
//	code                            1 byte
//	u32le(len(result)) result
//
// A service signs it with ECDSA over P-256 and SHA-256 (the curve hash
// Secp256r1Sha256 of CryptoLib's verifyWithECDsa) and sends the 64-byte r||s
// signature with the result. The golden vectors in testdata pin the encoding;
// the Gateway contract tests check the same vectors.
//
// The package does not send transactions, hold keys or decide which code a
// service returns.
package result
