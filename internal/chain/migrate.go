package chain

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate creates or updates the tables Listener and Sender use
// (chain_cursors, chain_txs) in db, with history in goose_chain. Run it
// once at start-up, before creating a Listener or Sender.
func Migrate(ctx context.Context, db *store.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open chain migrations: %w", err)
	}
	return db.Migrate(ctx, "chain", sub)
}
