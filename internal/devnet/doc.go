// Package devnet runs a private Neo N3 chain with one validator inside the
// current process, for `servicelayer dev` and for tests.
//
// [Start] wires neo-go v0.122.0 as a library: a BoltDB store, the
// blockchain, the P2P server (bound to loopback, no seeds), dBFT consensus
// with the only validator key, the JSON-RPC and WebSocket server, and
// optionally neo-go's native oracle service. All state lives in
// [Config.DataDir], so a restart on the same directory continues the same
// chain:
//
//	chain.bolt       blocks and state (BoltDB, mode 0600, locked while open)
//	validator.json   NEP-6 wallet: validator key and committee multisig (0600)
//	accounts.json    NEP-6 wallet: named dev accounts, see [Chain.Account] (0600)
//
// The chain uses network magic [NetworkMagic]. The single validator is also
// the whole committee, so its 1-of-1 multisig account holds the genesis GAS
// and signs committee actions: [Chain.Fund], [Chain.Deploy],
// [Chain.Invoke] and the actor returned by [Chain.Committee].
//
// The keys are for development only. They are generated on first start,
// stored with the public password [DevPassword] and a minimal scrypt cost,
// so anyone who can read DataDir can spend from them. Never use a devnet
// key or DataDir on a public network.
//
// What the package does not do:
//   - It runs no other nodes and no notary or state-root services.
//   - It keeps only the latest contract state, so historic invocations and
//     proofs against old state roots fail.
//   - It does not survive a crash unharmed: neo-go writes blocks to disk
//     about once a second, so after a kill the chain loses its last second
//     of blocks and makes new, different blocks at those heights. Close
//     writes everything.
//   - It never resets or migrates DataDir. A DataDir written with other
//     protocol settings (another magic, validator or extensions) fails to
//     open.
package devnet
