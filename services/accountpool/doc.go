// Package accountpool is the account pool service. It holds Neo N3
// accounts inside the TEE, leases them to other services, signs their
// transactions, keeps their balances in sync with the chain and tops them
// up from a treasury. Other services sign no chain transaction with keys of
// their own: they lease an account, build a transaction with it as sender,
// and ask the pool for the sender's witness.
//
// # Key derivation
//
// Every account derives from one master seed of 32 to 64 bytes with
// SLIP-0010 for NIST P-256 (github.com/satoshilabs/slips, slip-0010.md):
//
//   - Master node: I = HMAC-SHA512(key "Nist256p1 seed", seed). The left
//     32 bytes are the private key, the right 32 the chain code. If the
//     key is 0 or not below the group order n, I is hashed again the same
//     way, with I as the data.
//   - Hardened child i' (i + 2^31): I = HMAC-SHA512(chain code,
//     0x00 || key || uint32be(i + 2^31)). The child key is
//     (left half + parent key) mod n and the chain code the right half. If
//     the left half is not below n or the child key is 0, I is recomputed
//     over 0x01 || right half || uint32be(i + 2^31).
//   - Account i is the node at m/44'/888'/0'/0'/i', where 888 is NEO's
//     SLIP-0044 coin type. Every step is hardened, so a leaked account key
//     or public key reveals nothing about its siblings.
//   - The account's Neo address is that of the standard single-signature
//     verification script of the compressed public key.
//
// The tests check the derivation against every P-256 test vector of
// SLIP-0010. The package also derives normal (non-hardened) children,
// because the vectors use them, but accounts never do.
//
// The database stores each account's index, address, script hash and
// public key, never a private key. A key is derived in memory for each
// signature and wiped afterwards, as far as Go allows: copies made inside
// math/big and crypto/ecdsa are left to the garbage collector. Keys are
// never exported, logged or returned, and Seed prints as "[redacted]".
// Run checks that every stored account derives from the configured seed,
// so a service started with the wrong seed stops instead of signing.
//
// # Leases and fees
//
// A lease gives one holder service some accounts for a TTL. The database
// records at most one lease per account, so no account is in two leases;
// Release and the expiry sweeper free the accounts at once. An expired or
// released lease can no longer sign or transfer.
//
// Before the pool signs, it holds back the transaction's fees (and the GAS
// a transfer moves) against the sender's GAS balance, because the node's
// mempool rejects a transaction whose sender cannot pay the fees of all
// its pending transactions. A reservation ends when its transaction is in
// a block or its valid-until block has passed.
//
// # Mesh
//
// Pool.Endpoints serves the pool on the mesh with the routes of package
// api, whose Client other services use. The lease holder is the caller
// identity the mesh verified.
//
// # Limits
//
// The package does not decide which contracts a lease holder may call. A
// holder can move the GAS and NEO of its leased accounts with the
// transactions it has the pool sign.
package accountpool
