// Package binding calls the Service Layer contracts over Neo RPC: it
// reads Gateway requests, service keys and service data (now or at any
// past height), decodes Gateway events, and builds the transactions
// services and tools send. It validates the shape of every stack item it
// decodes and returns an error instead of a partial value.
//
// It does not send or wait for transactions; callers do that with their
// own actor so they control fees and retries.
package binding
