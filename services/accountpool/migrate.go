package accountpool

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate creates or updates the pool's tables in db, with history in
// goose_accountpool. Run it once at start-up, after chain.Migrate.
func Migrate(ctx context.Context, db *store.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open accountpool migrations: %w", err)
	}
	return db.Migrate(ctx, ServiceName, sub)
}
