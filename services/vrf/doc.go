// Package vrf is the verifiable randomness service. It claims "vrf"
// requests that the Gateway contract emits, proves an ECVRF output
// (RFC 9381, ECVRF-P256-SHA256-TAI) over an input the requester cannot
// choose, expands it into the requested number of 32-byte words, signs
// the canonical result message with the service key and sends
// Gateway.fulfill.
//
// The on-chain Gateway checks only the service signature, because NeoVM
// has no P-256 point arithmetic. The ECVRF proof and public key travel in
// the result so that anyone can check the randomness off chain, which is
// what VerifyResult does.
//
// The package does not hold chain accounts or choose fees: it builds
// transactions through the actor it is given.
package vrf
