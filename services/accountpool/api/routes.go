package api

import (
	"net/http"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

// ServiceName is the account pool's mesh identity.
const ServiceName = "accountpool"

// Holders are the services allowed to lease accounts and use them. "demo"
// is the identity of the dev tour; only the dev CA issues it.
var Holders = []string{"automation", "compute", "datafeeds", "demo", "mixer", "oracle", "vrf"}

// Routes of the account pool. Signing, transferring and releasing change
// what an account can spend, so they are critical: the caller signs each
// request with its certificate key.
var (
	// RouteLease takes accounts (LeaseRequest, Lease). It is not
	// idempotent: send an Idempotency-Key to retry it safely.
	RouteLease = mesh.Route{
		Method:  http.MethodPost,
		Path:    "/v1/leases",
		Callers: Holders,
	}
	// RouteRelease ends a lease (ReleaseRequest, ReleaseResponse).
	// Releasing an ended lease succeeds, so it is idempotent.
	RouteRelease = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/leases/release",
		Callers:    Holders,
		Critical:   true,
		Idempotent: true,
	}
	// RouteBalances lists every account (BalancesRequest,
	// BalancesResponse).
	RouteBalances = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/balances",
		Callers:    append([]string{"gateway"}, Holders...),
		Idempotent: true,
		Timeout:    15 * time.Second,
	}
	// RouteSign signs a transaction's sender witness (SignRequest,
	// SignResponse). Signing the same transaction again returns the same
	// witness and reserves no more fees, so it is idempotent.
	RouteSign = mesh.Route{
		Method:     http.MethodPost,
		Path:       "/v1/sign",
		Callers:    Holders,
		Critical:   true,
		Idempotent: true,
	}
	// RouteTransfer sends GAS or NEO from a leased account
	// (TransferRequest, TransferResponse). The Idempotency-Key names the
	// transfer: the pool pays at most once per (caller, key), also across
	// its restarts.
	RouteTransfer = mesh.Route{
		Method:      http.MethodPost,
		Path:        "/v1/transfer",
		Callers:     Holders,
		Critical:    true,
		KeyRequired: true,
		Timeout:     15 * time.Second,
	}
)

// Routes returns the account pool's route table.
func Routes() []mesh.Route {
	return []mesh.Route{RouteLease, RouteRelease, RouteBalances, RouteSign, RouteTransfer}
}
