package oracle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

// SecretResolver returns the value of one secret for the request being
// served. The integrator backs it with the Secrets service and binds the
// requesting contract and the oracle's identity, which the Secrets
// service checks against the secret's access list. A denial (unknown
// name, access list, latest version deleted) wraps ErrSecretDenied; any
// other error is taken as transient.
type SecretResolver interface {
	ResolveSecret(ctx context.Context, owner util.Uint160, ref SecretRef) (SecretValue, error)
}

// Fetcher turns the payload of an oracle request into the code and result
// to sign. It is safe for concurrent use.
type Fetcher struct {
	client *egress.Client
	limits FilterLimits
	log    *slog.Logger
}

// FetcherDeps holds the dependencies of a Fetcher.
type FetcherDeps struct {
	// Client sends the requests; its Config sets the network policy.
	Client *egress.Client
	// Limits bound filters; zero fields take the defaults.
	Limits FilterLimits
	// Logger receives one debug line per failed request; nil discards.
	Logger *slog.Logger
}

// NewFetcher returns a Fetcher.
func NewFetcher(deps FetcherDeps) (*Fetcher, error) {
	if deps.Client == nil {
		return nil, errors.New("new oracle fetcher: nil egress client")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{client: deps.Client, limits: deps.Limits.withDefaults(), log: log.With("component", "oracle")}, nil
}

// Fetch parses payload, resolves its secrets, sends the request, filters
// the response and returns the code and result to sign. On success the
// result is the filtered JSON array, or the response body when the
// payload has no filter. On failure it is a short reason from Classify.
//
// A non-nil error means the request was not served and must not be
// fulfilled now: ctx ended, or the secret resolver failed for a reason
// other than a denial. The caller retries later or lets the request
// expire. Secret values never appear in errors or logs, but a response
// that echoes a secret puts it in the result, which the requester chose.
func (f *Fetcher) Fetch(ctx context.Context, payload []byte, secrets SecretResolver) (result.Code, []byte, error) {
	p, err := ParsePayload(payload)
	if err != nil {
		return f.fail(err)
	}

	values, err := resolveSecrets(ctx, p, secrets)
	if err != nil {
		if errors.Is(err, ErrSecretDenied) {
			return f.fail(err)
		}
		return result.Error, nil, err
	}
	req, err := p.Request(values)
	if err != nil {
		return f.fail(err)
	}

	resp, err := f.client.Do(ctx, req)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return result.Error, nil, fmt.Errorf("fetch: %w", ctxErr)
	}
	if err != nil {
		return f.fail(err)
	}

	out, err := f.shape(p, resp.Body)
	if err != nil {
		return f.fail(err)
	}
	return result.Success, out, nil
}

// shape applies the payload's filter to body, or checks that the body fits
// in a result when there is no filter.
func (f *Fetcher) shape(p *Payload, body []byte) ([]byte, error) {
	if p.Filter != nil {
		return p.Filter.Apply(body, f.limits)
	}
	if len(body) > f.limits.MaxResultBytes {
		return nil, fmt.Errorf("%w: response is %d bytes, max %d without a filter",
			ErrResultTooLarge, len(body), f.limits.MaxResultBytes)
	}
	return body, nil
}

func (f *Fetcher) fail(err error) (result.Code, []byte, error) {
	code, reason := Classify(err)
	f.log.Debug("oracle request failed", "code", code.String(), "error", err)
	return code, []byte(reason), nil
}

// resolveSecrets returns a value for every reference of p. A nil resolver
// denies every reference.
func resolveSecrets(ctx context.Context, p *Payload, secrets SecretResolver) (map[SecretRef]SecretValue, error) {
	values := make(map[SecretRef]SecretValue, len(p.Refs))
	for _, ref := range p.Refs {
		if secrets == nil {
			return nil, fmt.Errorf("%w: %s (no secret resolver)", ErrSecretDenied, ref)
		}
		v, err := secrets.ResolveSecret(ctx, p.SecretsOwner, ref)
		if errors.Is(err, ErrSecretDenied) {
			// The resolver's text may describe the access list; the
			// requester learns only which reference failed.
			return nil, fmt.Errorf("%w: %s", ErrSecretDenied, ref)
		}
		if err != nil {
			return nil, fmt.Errorf("resolve secret %s: %w", ref, err)
		}
		values[ref] = v
	}
	return values, nil
}
