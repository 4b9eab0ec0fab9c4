package devstack

import (
	"context"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// newVRF builds the VRF service with keys. Its fulfil transactions are
// paid and signed by AccountPool accounts; the account of the signing key
// only adds the witness the Gateway checks.
func (s *Stack) newVRF(ctx context.Context, keys serviceKeys) (service, error) {
	return s.newResponderService(ctx, responderSpec{
		name:        vrf.ServiceName,
		key:         keys.Sign,
		concurrency: 2,
		answerer: func(*mesh.Client) (responder.Answerer, error) {
			return vrf.NewAnswerer(s.net.magic, s.gateway, keys.VRF), nil
		},
	})
}
