// Package devstack runs the whole of Service Layer in one process for
// development: an embedded Neo N3 chain, the contracts deployed on it,
// service keys registered, and every service started against a SQLite
// database in the data directory. A restart on the same data directory
// continues the same chain and resumes unfinished work.
//
// It is not a production mode: keys live in plain files and there is no
// attestation.
package devstack
