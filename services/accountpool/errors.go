package accountpool

import "errors"

// Errors callers branch on, with errors.Is. The errors returned wrap them
// with the lease, account or amounts involved.
var (
	// ErrLeaseNotFound reports a lease ID the pool never issued.
	ErrLeaseNotFound = errors.New("lease not found")
	// ErrLeaseExpired reports a lease whose TTL has passed. Its accounts
	// are free again, or will be after the next sweep.
	ErrLeaseExpired = errors.New("lease expired")
	// ErrLeaseReleased reports a lease its holder has released.
	ErrLeaseReleased = errors.New("lease released")
	// ErrNotLeaseHolder reports a lease that belongs to another service.
	ErrNotLeaseHolder = errors.New("not the lease holder")
	// ErrNotLeaseAccount reports a transaction sender or transfer source
	// that is not an account of the lease.
	ErrNotLeaseAccount = errors.New("account is not in the lease")
	// ErrInsufficientFunds reports that an account's GAS does not cover the
	// fees and GAS already held back for its pending transactions plus
	// those of the new one.
	ErrInsufficientFunds = errors.New("insufficient funds")
	// ErrPoolExhausted reports that too few accounts are free and the pool
	// has reached its configured size.
	ErrPoolExhausted = errors.New("pool exhausted")
	// ErrWrongNetwork reports a node or request for a network other than
	// the pool's.
	ErrWrongNetwork = errors.New("wrong network")
	// ErrInvalidRequest reports arguments the pool rejects before doing
	// anything, such as a zero count or a transaction without signers.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrIdempotencyKeyReused reports a Transfer whose idempotency key was
	// first used with other parameters.
	ErrIdempotencyKeyReused = errors.New("idempotency key reused with other parameters")
)
