package secrets

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/neo-service-layer/servicelayer/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate creates or updates the service's tables in db, with history in
// goose_secrets. Run it once at start-up.
func Migrate(ctx context.Context, db *store.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open secrets migrations: %w", err)
	}
	return db.Migrate(ctx, "secrets", sub)
}

// Config wires the service to its key and database.
type Config struct {
	// DB holds secrets, access lists and the audit log; Migrate must have
	// run. Required.
	DB *store.DB
	// MasterKey wraps every data key and authenticates the audit log head.
	// In production it comes from MarbleRun, in dev from a 0600 key file
	// (LoadKeyFile). Required.
	MasterKey MasterKey
	// Log receives owner changes at info level and resolves at debug
	// level, with names and versions but never values (default:
	// discarded).
	Log *slog.Logger
	// Now is the clock for stored times (default time.Now).
	Now func() time.Time
	// Rand is the source of data keys and nonces (default crypto/rand).
	Rand io.Reader
}

// Service stores secrets and resolves them for allowed callers. It is safe
// for concurrent use; writes are serialised by the store.
type Service struct {
	db       *store.DB
	key      MasterKey
	auditKey []byte
	// aclKey authenticates access rules.
	aclKey []byte
	log    *slog.Logger
	now    func() time.Time
	rand   io.Reader
}

// New checks cfg and builds the service. It does not touch the database.
func New(cfg Config) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid secrets config: %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Service{
		db:       cfg.DB,
		key:      cfg.MasterKey,
		auditKey: cfg.MasterKey.subkey("neo-service-layer/secrets/audit-head/v1"),
		aclKey:   cfg.MasterKey.subkey("neo-service-layer/secrets/acl/v1"),
		log:      cfg.Log.With("component", "secrets"),
		now:      cfg.Now,
		rand:     cfg.Rand,
	}, nil
}

func (c Config) validate() error {
	switch {
	case c.DB == nil:
		return errors.New("db is missing")
	case !c.MasterKey.set:
		return errors.New("master key is missing")
	}
	return nil
}
