package secrets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Limits per owner and per secret.
const (
	// MaxSecrets is the maximum number of secrets one owner may hold.
	MaxSecrets = 1000
	// MaxVersions is the maximum number of live versions of one secret;
	// delete old versions to store more.
	MaxVersions = 100
)

const upsertCounter = `INSERT INTO secrets_counters (owner, name, last_version) VALUES ($1, $2, 1)
	ON CONFLICT (owner, name) DO UPDATE SET last_version = secrets_counters.last_version + 1
	RETURNING last_version`

const insertSecret = `INSERT INTO secrets (owner, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
	ON CONFLICT (owner, name) DO UPDATE SET updated_at = $3`

const countSecrets = `SELECT COUNT(*) FROM secrets WHERE owner = $1 AND name <> $2`

const countVersions = `SELECT COUNT(*) FROM secrets_versions WHERE owner = $1 AND name = $2`

const insertVersion = `INSERT INTO secrets_versions
	(owner, name, version, key_id, wrapped_key, ciphertext, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

// Put stores value as a new version of the secret owner/name, creating the
// secret if needed, and returns the version number. The value is sealed
// before it reaches the database and is never returned to the owner. A new
// secret starts with an empty access list. The caller may clear value
// after Put returns.
func (s *Service) Put(ctx context.Context, owner util.Uint160, name string, value []byte) (uint64, error) {
	if err := validateOwnerName(owner, name); err != nil {
		return 0, err
	}
	if err := validateValue(value); err != nil {
		return 0, err
	}

	var version int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := checkPutLimits(ctx, tx, owner, name); err != nil {
			return err
		}
		var err error
		if version, err = s.storeVersion(ctx, tx, owner, name, value); err != nil {
			return err
		}
		r := ownerRow(ActionPut, owner, name)
		r.version = version
		return s.appendAudit(ctx, tx, &r)
	})
	if err != nil {
		return 0, fmt.Errorf("put secret %s: %w", name, err)
	}
	s.log.InfoContext(ctx, "secret version stored", "owner", owner.StringLE(), "name", name, "version", version)
	return uint64(version), nil
}

// storeVersion allocates the next version number and inserts the sealed
// value under it.
func (s *Service) storeVersion(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string, value []byte) (int64, error) {
	var version int64
	if err := tx.QueryRowContext(ctx, upsertCounter, owner.StringLE(), name).Scan(&version); err != nil {
		return 0, fmt.Errorf("allocate version: %w", err)
	}
	now := s.now().UnixMilli()
	if _, err := tx.ExecContext(ctx, insertSecret, owner.StringLE(), name, now); err != nil {
		return 0, fmt.Errorf("insert secret: %w", err)
	}

	e, err := seal(s.key, s.rand, slot{Owner: owner, Name: name, Version: uint64(version)}, value)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, insertVersion,
		owner.StringLE(), name, version, e.KeyID, e.WrappedKey, e.Ciphertext, now)
	if err != nil {
		return 0, fmt.Errorf("insert version %d: %w", version, err)
	}
	return version, nil
}

func checkPutLimits(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string) error {
	var others, versions int
	if err := tx.QueryRowContext(ctx, countSecrets, owner.StringLE(), name).Scan(&others); err != nil {
		return fmt.Errorf("count secrets: %w", err)
	}
	if others >= MaxSecrets {
		err := secretExists(ctx, tx, owner, name)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: owner has %d secrets, limit %d", ErrLimit, others, MaxSecrets)
		}
		if err != nil {
			return err
		}
	}

	if err := tx.QueryRowContext(ctx, countVersions, owner.StringLE(), name).Scan(&versions); err != nil {
		return fmt.Errorf("count versions: %w", err)
	}
	if versions >= MaxVersions {
		return fmt.Errorf("%w: secret has %d versions, limit %d", ErrLimit, versions, MaxVersions)
	}
	return nil
}

func validateOwnerName(owner util.Uint160, name string) error {
	if owner.Equals(util.Uint160{}) {
		return fmt.Errorf("%w: zero script hash", ErrInvalidOwner)
	}
	return ValidateName(name)
}

// isNoRows reports a query that matched no row.
func isNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows)
}
