// Package api is the account pool's mesh interface: its route table, the
// request and response types, the problem codes its errors carry, and a
// typed Client. Other services import this package, never the accountpool
// package itself.
//
// The lease holder is always the caller identity the mesh verified from
// the client certificate, never a field of a request body, so a service
// can use and release only its own leases.
package api
