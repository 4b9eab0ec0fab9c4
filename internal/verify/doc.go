// Package verify checks a fulfilled Gateway request offline from chain
// data: the service signature over the canonical result message against
// the key registered on the Gateway, and for VRF results the ECVRF proof
// and the words derived from it. It trusts only what the chain
// stores, never the service itself.
package verify
