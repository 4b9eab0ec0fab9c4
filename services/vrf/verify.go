package vrf

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
)

// ErrWordsMismatch marks a result whose words are not the expansion of
// the proven VRF output.
var ErrWordsMismatch = errors.New("words do not match the vrf output")

// VerifyResult checks a success result against the request it answers:
// the ECVRF proof must be valid for the public key in the result and the
// alpha of in, and the words must be the expansion of the proof's output.
// It returns the parsed result. Callers must also check that the result's
// public key is the one the service publishes; the Gateway signature over
// the result does that on chain.
func VerifyResult(in AlphaInput, raw []byte) (Result, error) {
	r, err := ParseResult(raw)
	if err != nil {
		return Result{}, err
	}
	pub, err := ecvrf.ParsePublicKey(r.PublicKey)
	if err != nil {
		return Result{}, fmt.Errorf("vrf public key: %w", err)
	}
	beta, err := pub.Verify(Alpha(in), r.Proof)
	if err != nil {
		return Result{}, fmt.Errorf("vrf proof: %w", err)
	}

	want := ExpandWords(beta, len(r.Words))
	for i := range want {
		if !bytes.Equal(want[i], r.Words[i]) {
			return Result{}, fmt.Errorf("word %d: %w", i, ErrWordsMismatch)
		}
	}
	return r, nil
}

// Prove computes the success result for a request: the proof over the
// request's alpha and n words expanded from its output.
func Prove(key *ecvrf.PrivateKey, in AlphaInput, n int) (Result, error) {
	pi, err := key.Prove(Alpha(in))
	if err != nil {
		return Result{}, fmt.Errorf("prove: %w", err)
	}
	beta, err := ecvrf.ProofToHash(pi)
	if err != nil {
		return Result{}, fmt.Errorf("proof to hash: %w", err)
	}
	return Result{
		PublicKey: key.Public().Bytes(),
		Proof:     pi,
		Words:     ExpandWords(beta, n),
	}, nil
}
