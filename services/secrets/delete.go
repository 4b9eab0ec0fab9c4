package secrets

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Queries on the versions of one secret come in pairs: for one version,
// and for all. A single query with "$3 = 0 OR version = $3" would make
// PostgreSQL deduce two types for $3.
const (
	selectVersionSizes    = `SELECT version, wrapped_key, ciphertext FROM secrets_versions WHERE owner = $1 AND name = $2 AND version = $3`
	selectAllVersionSizes = `SELECT version, wrapped_key, ciphertext FROM secrets_versions WHERE owner = $1 AND name = $2`
	deleteVersion         = `DELETE FROM secrets_versions WHERE owner = $1 AND name = $2 AND version = $3`
	deleteAllVersions     = `DELETE FROM secrets_versions WHERE owner = $1 AND name = $2`
)

const overwriteVersion = `UPDATE secrets_versions SET wrapped_key = $1, ciphertext = $2, key_id = ''
	WHERE owner = $3 AND name = $4 AND version = $5`

const deleteSecretRules = `DELETE FROM secrets_acl WHERE owner = $1 AND name = $2`

const deleteSecret = `DELETE FROM secrets WHERE owner = $1 AND name = $2`

// DeleteVersion removes one version of a secret. Its row is overwritten
// with zeros and then deleted, so the wrapped data key and the ciphertext
// are gone, not flagged. The secret and its access list stay, even when
// no version is left. If version was the latest, resolving "latest" fails
// with ErrLatestDeleted until the next Put.
func (s *Service) DeleteVersion(ctx context.Context, owner util.Uint160, name string, version uint64) error {
	if err := validateOwnerName(owner, name); err != nil {
		return err
	}
	if version == 0 || version > maxVersionNumber {
		return fmt.Errorf("delete secret %s version %d: %w", name, version, ErrNotFound)
	}

	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		n, err := shred(ctx, tx, owner, name, int64(version))
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		r := ownerRow(ActionDelete, owner, name)
		r.version = int64(version)
		return s.appendAudit(ctx, tx, &r)
	})
	if err != nil {
		return fmt.Errorf("delete secret %s version %d: %w", name, version, err)
	}
	s.log.InfoContext(ctx, "secret version deleted", "owner", owner.StringLE(), "name", name, "version", version)
	return nil
}

// Delete removes a secret: every version (overwritten, then deleted) and
// its access list. The name's version counter stays, so a later Put of
// the same name continues the numbering and an old name@N reference
// never resolves to a new value.
func (s *Service) Delete(ctx context.Context, owner util.Uint160, name string) error {
	if err := validateOwnerName(owner, name); err != nil {
		return err
	}

	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := secretExists(ctx, tx, owner, name); err != nil {
			return err
		}
		n, err := shred(ctx, tx, owner, name, 0)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteSecretRules, owner.StringLE(), name); err != nil {
			return fmt.Errorf("delete access list: %w", err)
		}
		if _, err := tx.ExecContext(ctx, deleteSecret, owner.StringLE(), name); err != nil {
			return fmt.Errorf("delete secret row: %w", err)
		}
		r := ownerRow(ActionDelete, owner, name)
		r.detail = fmt.Sprintf("all versions (%d live)", n)
		return s.appendAudit(ctx, tx, &r)
	})
	if err != nil {
		return fmt.Errorf("delete secret %s: %w", name, err)
	}
	s.log.InfoContext(ctx, "secret deleted", "owner", owner.StringLE(), "name", name)
	return nil
}

// shred overwrites the sealed bytes of one version (or of all versions
// when version is 0) with zeros of the same length, then deletes the rows,
// and returns how many it removed. Overwriting first keeps SQLite from
// leaving the old bytes in a free page of the database file.
//
// NOTE: until a WAL checkpoint, SQLite's write-ahead log still holds the
// page as it was, and PostgreSQL keeps old row versions until VACUUM.
// Both stay encrypted under the master key.
func shred(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string, version int64) (int, error) {
	sizes, err := versionSizes(ctx, tx, owner, name, version)
	if err != nil {
		return 0, err
	}
	for v, size := range sizes {
		_, err := tx.ExecContext(ctx, overwriteVersion,
			make([]byte, size[0]), make([]byte, size[1]), owner.StringLE(), name, v)
		if err != nil {
			return 0, fmt.Errorf("overwrite version %d: %w", v, err)
		}
	}

	del, args := deleteAllVersions, []any{owner.StringLE(), name}
	if version != 0 {
		del, args = deleteVersion, append(args, version)
	}
	if _, err := tx.ExecContext(ctx, del, args...); err != nil {
		return 0, fmt.Errorf("delete versions: %w", err)
	}
	return len(sizes), nil
}

// versionSizes maps each selected version to the lengths of its wrapped
// key and ciphertext.
func versionSizes(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string, version int64) (map[int64][2]int, error) {
	query, args := selectAllVersionSizes, []any{owner.StringLE(), name}
	if version != 0 {
		query, args = selectVersionSizes, append(args, version)
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("select versions: %w", err)
	}
	defer rows.Close()

	sizes := map[int64][2]int{}
	for rows.Next() {
		var v int64
		var wrapped, ct []byte
		if err := rows.Scan(&v, &wrapped, &ct); err != nil {
			return nil, fmt.Errorf("scan version: %w", err)
		}
		sizes[v] = [2]int{len(wrapped), len(ct)}
	}
	return sizes, rows.Err()
}
