package oracle

import (
	"context"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// ServiceName is the name oracle requests carry on the Gateway, the name
// the service key is registered under and the service's mesh identity.
const ServiceName = "oracle"

// ContractSecrets gives the secret resolver for one requesting contract.
// The contract is part of every resolve, because a secret's access list
// names the contracts that may use it.
type ContractSecrets interface {
	ForContract(contract util.Uint160) SecretResolver
}

// Answerer serves oracle requests for a responder. It fetches the URL
// named in the payload, with the secrets the requesting contract may use.
// It is safe for concurrent use.
type Answerer struct {
	fetcher *Fetcher
	secrets ContractSecrets
}

var _ responder.Answerer = (*Answerer)(nil)

// NewAnswerer returns an Answerer that fetches with fetcher and resolves
// secrets through secrets. With nil secrets every secret reference is
// denied.
func NewAnswerer(fetcher *Fetcher, secrets ContractSecrets) (*Answerer, error) {
	if fetcher == nil {
		return nil, errors.New("new oracle answerer: nil fetcher")
	}
	return &Answerer{fetcher: fetcher, secrets: secrets}, nil
}

// Answer returns the code and result for req, as Fetcher.Fetch does. An
// error means the request was not served, because ctx ended or the
// Secrets service could not be reached, and the responder retries it
// later.
func (a *Answerer) Answer(ctx context.Context, req responder.Request) (result.Code, []byte, error) {
	var secrets SecretResolver
	if a.secrets != nil {
		secrets = a.secrets.ForContract(req.Requester)
	}
	code, res, err := a.fetcher.Fetch(ctx, req.Payload, secrets)
	if err != nil {
		return 0, nil, fmt.Errorf("request %d: %w", req.ID, err)
	}
	return code, res, nil
}
