package vrf

import (
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// ServiceName is the name requests use on the Gateway and the name the
// service key is registered under.
const ServiceName = "vrf"

// answer is a signed response to one request, ready for Gateway.fulfill.
type answer struct {
	Code      result.Code
	Result    []byte
	Signature []byte
}

// answerer turns claimed requests into signed answers. It is pure apart
// from the keys, so the same request always gets the same answer: ECVRF
// proofs are deterministic, and a restart that answers again signs the
// same bytes.
type answerer struct {
	magic   uint32
	gateway util.Uint160
	vrfKey  *ecvrf.PrivateKey
	signKey *keys.PrivateKey
}

func (a answerer) answer(c claim) (answer, error) {
	code, res, err := a.compute(c)
	if err != nil {
		return answer{}, err
	}
	msg := result.Message(a.magic, a.gateway, c.ID, ServiceName, code, res)
	return answer{Code: code, Result: res, Signature: result.Sign(a.signKey, msg)}, nil
}

// compute returns the result code and bytes. A request the service cannot
// serve gets a failure code with the reason as the result; only an
// internal fault returns an error.
func (a answerer) compute(c claim) (result.Code, []byte, error) {
	p, err := ParsePayload(c.Payload)
	if err != nil {
		return result.PayloadInvalid, []byte(err.Error()), nil
	}

	in := AlphaInput{
		Magic:     a.magic,
		Gateway:   a.gateway,
		RequestID: c.ID,
		Requester: c.Requester,
		BlockHash: c.BlockHash,
	}
	r, err := Prove(a.vrfKey, in, p.Words)
	if err != nil {
		return 0, nil, fmt.Errorf("request %d: %w", c.ID, err)
	}
	return result.Success, r.Bytes(), nil
}
