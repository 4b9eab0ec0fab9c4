// Package storetest opens throwaway store databases for tests, on SQLite
// and, in integration builds, on PostgreSQL.
//
// A test that loops over Drivers runs against SQLite always. Built with
// -tags integration it also runs against the PostgreSQL server named by
// SL_TEST_POSTGRES_DSN, and skips those cases with a message when the
// variable is unset (scripts/postgres starts a server and sets it). Every
// PostgreSQL database opened here lives in its own randomly named schema,
// dropped when the test ends.
//
// The package is for tests only; nothing in production imports it.
package storetest
