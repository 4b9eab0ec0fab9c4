// Package demo runs the scripted tour of a running dev stack: it calls
// the example contracts as a user would, waits for the callbacks, checks
// the proofs, and reports one JSON step per check. It only uses the chain
// through RPC, so it exercises the same paths a dApp does.
package demo
