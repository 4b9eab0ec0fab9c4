package api

import (
	"net/http"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// ServiceName is the Secrets service's mesh identity.
const ServiceName = "secrets"

// Resolvers are the services allowed to resolve secrets for contracts.
// Each secret's access list then decides which of them may read it.
var Resolvers = []string{"automation", "compute", "oracle"}

// OwnerFronts are the services that call the owner routes for an owner
// they authenticated: the public gateway, the CLI, and "demo", the
// identity of the dev tour, which only the dev CA issues. This service
// does not check that the owner named in the body is the one who
// authenticated to them.
var OwnerFronts = []string{"cli", "demo", "gateway"}

// Routes of the Secrets service. Every route that releases a value or
// changes what may be released is critical: the caller signs each request
// with its certificate key.
var (
	// RouteResolve returns a secret value for a contract
	// (ResolveRequest, ResolveResponse). The resolving service is the mesh
	// caller. Each call appends an audit entry, and repeating it changes
	// nothing else, so it is idempotent and the client retries it on
	// transient failures. It rejects an Idempotency-Key, because the mesh
	// would keep the response, and so the value, in its idempotency store.
	RouteResolve = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/resolve",
		Callers:    Resolvers,
		Critical:   true,
		Idempotent: true,
	}
	// RoutePut stores a value as the secret's next version (PutRequest,
	// PutResponse). It is not idempotent: if a put's response is lost,
	// List shows whether the version was stored. It rejects an
	// Idempotency-Key, so that no caller comes to rely on one.
	// NOTE: the mesh stores the SHA-256 of a keyed body before the handler
	// runs, so one rejected put still leaves a digest of its value in the
	// idempotency store for the server's IdempotencyTTL.
	RoutePut = mesh.Route{
		Method:   http.MethodPost,
		Path:     "/v1/secrets/put",
		Callers:  OwnerFronts,
		Critical: true,
	}
	// RouteList lists an owner's secrets with their version numbers
	// (ListRequest, ListResponse).
	RouteList = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/secrets/list",
		Callers:    OwnerFronts,
		Idempotent: true,
	}
	// RouteMetadata describes one secret without its values
	// (MetadataRequest, Metadata).
	RouteMetadata = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/secrets/metadata",
		Callers:    OwnerFronts,
		Idempotent: true,
	}
	// RouteGrant allows a service or contract to resolve a secret
	// (RuleRequest, Empty). Granting twice is the same as once.
	RouteGrant = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/secrets/grant",
		Callers:    OwnerFronts,
		Critical:   true,
		Idempotent: true,
	}
	// RouteDeny forbids a service or contract to resolve a secret, even
	// when it is also granted (RuleRequest, Empty).
	RouteDeny = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/secrets/deny",
		Callers:    OwnerFronts,
		Critical:   true,
		Idempotent: true,
	}
	// RouteRevoke removes every rule, grant and deny, about a service or
	// contract (RuleRequest, Empty).
	RouteRevoke = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/secrets/revoke",
		Callers:    OwnerFronts,
		Critical:   true,
		Idempotent: true,
	}
	// RouteDelete removes one version or the whole secret (DeleteRequest,
	// Empty). A repeat fails with ErrNotFound, so it is not idempotent:
	// send an Idempotency-Key to retry it safely.
	RouteDelete = mesh.Route{
		Method:   http.MethodPost,
		Path:     "/v1/secrets/delete",
		Callers:  OwnerFronts,
		Critical: true,
	}
)

// Routes returns the Secrets service's route table.
func Routes() []mesh.Route {
	return []mesh.Route{
		RouteResolve, RoutePut, RouteList, RouteMetadata, RouteGrant, RouteDeny, RouteRevoke, RouteDelete,
	}
}
