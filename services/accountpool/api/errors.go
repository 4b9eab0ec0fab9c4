package api

import "github.com/neo-service-layer/servicelayer/internal/mesh"

// Problem codes of the account pool. Match them with errors.Is on an error
// from Client.
const (
	// ErrLeaseNotFound (404): no lease has this ID.
	ErrLeaseNotFound = mesh.Code("lease_not_found")
	// ErrLeaseExpired (410): the lease's TTL has passed.
	ErrLeaseExpired = mesh.Code("lease_expired")
	// ErrLeaseReleased (410): the lease was released.
	ErrLeaseReleased = mesh.Code("lease_released")
	// ErrNotLeaseHolder (403): the lease belongs to another service.
	ErrNotLeaseHolder = mesh.Code("not_lease_holder")
	// ErrNotLeaseAccount (422): the transaction sender or transfer source
	// is not an account of the lease.
	ErrNotLeaseAccount = mesh.Code("not_lease_account")
	// ErrInsufficientFunds (409): the account's GAS does not cover the
	// fees of its pending transactions plus this one. The mesh replays
	// this response to a repeat with the same Idempotency-Key, so retry a
	// transfer under a new key.
	ErrInsufficientFunds = mesh.Code("insufficient_funds")
	// ErrPoolExhausted (409): too few accounts are free.
	ErrPoolExhausted = mesh.Code("pool_exhausted")
	// ErrWrongNetwork (409): the request or the pool's node is for another
	// network.
	ErrWrongNetwork = mesh.Code("wrong_network")
	// ErrInvalidRequest (400): the request is malformed or out of range.
	ErrInvalidRequest = mesh.Code("invalid_request")
	// ErrIdempotencyKeyReused (422): the transfer's Idempotency-Key was
	// first used with other parameters. It is the mesh's own code, which
	// the mesh also sends when the same key comes with another body.
	ErrIdempotencyKeyReused = mesh.ErrIdempotencyKeyReused
)
