package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// componentName limits component names to what is safe inside a table name.
var componentName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// Migrate applies the pending goose migrations found in fsys (files named
// NNN_name.sql at its root) for one component. The applied versions are
// recorded in the table goose_<component>, so each component has its own
// history in a shared database. Running it again when nothing is pending
// does nothing. It takes the same write turn as InTx.
//
// On PostgreSQL the version table and the migrated tables land in the
// schema of d, and a session advisory lock per schema and component keeps
// processes that start together from migrating at the same time.
func (d *DB) Migrate(ctx context.Context, component string, fsys fs.FS) error {
	if !componentName.MatchString(component) {
		return fmt.Errorf("migrate: invalid component name %q, want lower-case letters, digits, '_'", component)
	}

	provider, err := d.migrationProvider(component, fsys)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}

	if err := d.acquireWriter(ctx); err != nil {
		return err
	}
	defer d.releaseWriter()

	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	for _, r := range results {
		d.log.InfoContext(ctx, "migration applied",
			"component", component,
			"version", r.Source.Version,
			"took", r.Duration,
		)
	}
	return nil
}

func (d *DB) migrationProvider(component string, fsys fs.FS) (*goose.Provider, error) {
	opts := []goose.ProviderOption{
		goose.WithTableName("goose_" + component),
		goose.WithDisableGlobalRegistry(true),
	}
	if d.driver != DriverPostgres {
		return goose.NewProvider(goose.DialectSQLite3, d.db, fsys, opts...)
	}

	// goose polls the lock: every second, for up to 5 minutes.
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(schemaLockKey(d.schema, "migrate "+component, 0)),
		lock.WithLockTimeout(1, 300),
	)
	if err != nil {
		return nil, err
	}
	opts = append(opts, goose.WithSessionLocker(locker))
	return goose.NewProvider(goose.DialectPostgres, d.db, fsys, opts...)
}
