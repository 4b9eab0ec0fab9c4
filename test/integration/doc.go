// Package integration holds the suites that run Service Layer as a user
// would: the servicelayer binary as a real process, the embedded chain over
// RPC, restarts and SIGKILL. They carry the integration build tag and run
// from scripts/test.
package integration
