// Package vrf is the verifiable randomness service. Its Answerer proves an
// ECVRF output (RFC 9381, ECVRF-P256-SHA256-TAI) over an input the
// requester cannot choose and expands it into the requested number of
// 32-byte words; internal/responder claims the requests, signs the answers
// and sends Gateway.fulfill.
//
// The on-chain Gateway checks only the service signature, because NeoVM
// has no P-256 point arithmetic. The ECVRF proof and public key travel in
// the result so that anyone can check the randomness off chain, which is
// what VerifyResult does.
package vrf
