package oracle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nspcc-dev/neo-go/pkg/util"

	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// SecretsClient is the part of the Secrets service's client the oracle
// uses. *secretsapi.Client implements it.
type SecretsClient interface {
	Resolve(ctx context.Context, req secretsapi.ResolveRequest) (secretsapi.Value, uint64, error)
}

var _ SecretsClient = (*secretsapi.Client)(nil)

// deniedCodes are the Secrets problem codes that settle a resolve: the
// request gets result.SecretDenied instead of being retried.
// ErrUndecryptable is among them because a retry cannot open the stored
// version either.
var deniedCodes = []error{
	secretsapi.ErrDenied,
	secretsapi.ErrNotFound,
	secretsapi.ErrLatestDeleted,
	secretsapi.ErrInvalidName,
	secretsapi.ErrInvalidOwner,
	secretsapi.ErrInvalidSubject,
	secretsapi.ErrUndecryptable,
}

// MeshSecrets resolves secrets through the Secrets service, which checks
// each secret's access list against the oracle's mesh identity and the
// requesting contract. It is safe for concurrent use.
type MeshSecrets struct {
	client SecretsClient
	log    *slog.Logger
}

var _ ContractSecrets = (*MeshSecrets)(nil)

// NewMeshSecrets returns a MeshSecrets that calls client, whose mesh
// identity must be ServiceName. Denials are logged to log with the
// Secrets service's reason (nil discards).
func NewMeshSecrets(client SecretsClient, log *slog.Logger) *MeshSecrets {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &MeshSecrets{client: client, log: log.With("component", ServiceName)}
}

// ForContract returns a resolver that acts for contract.
func (m *MeshSecrets) ForContract(contract util.Uint160) SecretResolver {
	return contractResolver{secrets: m, contract: contract}
}

// contractResolver resolves secrets for one requesting contract.
type contractResolver struct {
	secrets  *MeshSecrets
	contract util.Uint160
}

// ResolveSecret implements SecretResolver. An error with a problem code
// in deniedCodes comes back wrapping ErrSecretDenied. Any other error,
// such as an unreachable Secrets service, comes back unchanged, so the
// request is retried.
func (r contractResolver) ResolveSecret(ctx context.Context, owner util.Uint160, ref SecretRef) (SecretValue, error) {
	value, _, err := r.secrets.client.Resolve(ctx, secretsapi.ResolveRequest{
		Owner:    owner,
		Name:     ref.Name,
		Version:  uint64(ref.Version),
		Contract: r.contract,
	})
	if err != nil {
		if !isDenial(err) {
			return "", err
		}
		level := slog.LevelInfo
		if errors.Is(err, secretsapi.ErrUndecryptable) {
			level = slog.LevelWarn
		}
		r.secrets.log.Log(ctx, level, "secret resolve denied", "owner", owner.StringLE(), "secret", ref.String(),
			"contract", r.contract.StringLE(), "error", err)
		return "", fmt.Errorf("%w: %w", ErrSecretDenied, err)
	}

	b := value.Bytes()
	v := SecretValue(b)
	clear(b)
	return v, nil
}

func isDenial(err error) bool {
	for _, code := range deniedCodes {
		if errors.Is(err, code) {
			return true
		}
	}
	return false
}
