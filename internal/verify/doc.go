// Package verify checks a fulfilled Gateway request offline from chain
// data, against the Gateway state in force at the request's fulfilment
// height: the service signature over the canonical result message against
// the service key then in force, and for VRF results the VRF public key
// then published on the Gateway, the ECVRF proof and the words derived from
// it. It trusts only what the chain stores, never the service itself.
package verify
