//go:build integration

package storetest

import "github.com/neo-service-layer/servicelayer/internal/store"

// Drivers returns the drivers tests run against: SQLite and PostgreSQL.
func Drivers() []store.Driver {
	return []store.Driver{store.DriverSQLite, store.DriverPostgres}
}
