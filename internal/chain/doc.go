// Package chain follows a Neo N3 node and gets transactions onto it, with
// every step recorded in the service's database so a restart loses nothing
// and repeats nothing.
//
// Listener hands each wanted notification of one contract to a handler,
// and the handler's writes commit exactly once, because they commit in the
// same database transaction as the advance of a durable cursor. It wakes on new-block
// notifications over WebSocket, polls as a fallback, back-fills from the
// cursor after a start or reconnection, and redials with capped exponential
// backoff.
//
// Sender records a transaction under a caller-chosen idempotency key before
// relaying it, then checks it on every block: it re-relays a transaction
// the node has lost, reports an included one through a hook run in the
// transaction that records the inclusion, and asks its owner to rebuild
// one that expired unincluded.
//
// Neo N3 blocks are final under dBFT, so the package never handles
// reorganisations. It does not sign anything itself (transactions come
// from the caller's actor.Actor), pick accounts, batch calls or cap fees.
// Its tables are created by Migrate.
package chain
