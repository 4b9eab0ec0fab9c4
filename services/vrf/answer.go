package vrf

import (
	"context"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// ServiceName is the name requests use on the Gateway and the name the
// service key is registered under.
const ServiceName = "vrf"

// Answerer computes VRF answers. The same request always gets the same
// answer, because ECVRF proofs are deterministic. It is safe for
// concurrent use.
type Answerer struct {
	magic   uint32
	gateway util.Uint160
	key     *ecvrf.PrivateKey
}

var _ responder.Answerer = (*Answerer)(nil)

// NewAnswerer returns an Answerer proving with key for requests to the
// Gateway at gateway on the network with magic.
func NewAnswerer(magic uint32, gateway util.Uint160, key *ecvrf.PrivateKey) *Answerer {
	return &Answerer{magic: magic, gateway: gateway, key: key}
}

// Answer returns the proof, public key and words for req, or
// result.PayloadInvalid with the reason when the payload is unusable.
func (a *Answerer) Answer(_ context.Context, req responder.Request) (result.Code, []byte, error) {
	p, err := ParsePayload(req.Payload)
	if err != nil {
		return result.PayloadInvalid, []byte(err.Error()), nil
	}

	in := AlphaInput{
		Magic:     a.magic,
		Gateway:   a.gateway,
		RequestID: req.ID,
		Requester: req.Requester,
		BlockHash: req.BlockHash,
	}
	r, err := Prove(a.key, in, p.Words)
	if err != nil {
		return 0, nil, fmt.Errorf("request %d: %w", req.ID, err)
	}
	return result.Success, r.Bytes(), nil
}
