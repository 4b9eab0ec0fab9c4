package secrets

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Summary is one secret in a List: names and version numbers, no values.
type Summary struct {
	Name string
	// Latest is the highest version ever created. It is missing from
	// Versions when that version was deleted.
	Latest uint64
	// Versions lists the live versions in ascending order.
	Versions []uint64
}

// Metadata describes one secret without its values.
type Metadata struct {
	Name string
	// Latest is the highest version ever created.
	Latest uint64
	// LatestDeleted is true when version Latest was deleted, so resolving
	// the latest version fails until the next Put.
	LatestDeleted bool
	Versions      []VersionInfo
	ACL           ACL
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// VersionInfo is one live version.
type VersionInfo struct {
	Version   uint64
	CreatedAt time.Time
}

const selectSummaries = `SELECT s.name, c.last_version, v.version FROM secrets s
	JOIN secrets_counters c ON c.owner = s.owner AND c.name = s.name
	LEFT JOIN secrets_versions v ON v.owner = s.owner AND v.name = s.name
	WHERE s.owner = $1 ORDER BY s.name, v.version`

const selectSecret = `SELECT s.created_at, s.updated_at, c.last_version FROM secrets s
	JOIN secrets_counters c ON c.owner = s.owner AND c.name = s.name
	WHERE s.owner = $1 AND s.name = $2`

const selectVersionInfos = `SELECT version, created_at FROM secrets_versions
	WHERE owner = $1 AND name = $2 ORDER BY version`

// List returns the owner's secrets sorted by name, with their version
// numbers. A secret whose versions were all deleted one by one is listed
// with no versions; one removed with Delete is not listed.
func (s *Service) List(ctx context.Context, owner util.Uint160) ([]Summary, error) {
	rows, err := s.db.SQL().QueryContext(ctx, selectSummaries, owner.StringLE())
	if err != nil {
		return nil, fmt.Errorf("list secrets: %w", err)
	}
	defer rows.Close()

	var out []Summary
	for rows.Next() {
		var name string
		var last int64
		var version sql.NullInt64
		if err := rows.Scan(&name, &last, &version); err != nil {
			return nil, fmt.Errorf("list secrets: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, Summary{Name: name, Latest: uint64(last)})
		}
		if version.Valid {
			cur := &out[len(out)-1]
			cur.Versions = append(cur.Versions, uint64(version.Int64))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list secrets: %w", err)
	}
	return out, nil
}

// Metadata returns a secret's versions, access list and times, or an
// error wrapping ErrNotFound.
func (s *Service) Metadata(ctx context.Context, owner util.Uint160, name string) (Metadata, error) {
	if err := validateOwnerName(owner, name); err != nil {
		return Metadata{}, err
	}

	var m Metadata
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = s.readMetadata(ctx, tx, owner, name)
		return err
	})
	if err != nil {
		return Metadata{}, fmt.Errorf("read secret %s: %w", name, err)
	}
	return m, nil
}

func (s *Service) readMetadata(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string) (Metadata, error) {
	m := Metadata{Name: name}
	var created, updated, last int64
	err := tx.QueryRowContext(ctx, selectSecret, owner.StringLE(), name).Scan(&created, &updated, &last)
	if isNoRows(err) {
		return Metadata{}, ErrNotFound
	}
	if err != nil {
		return Metadata{}, err
	}
	m.Latest = uint64(last)
	m.CreatedAt = time.UnixMilli(created).UTC()
	m.UpdatedAt = time.UnixMilli(updated).UTC()

	if m.Versions, err = readVersionInfos(ctx, tx, owner, name); err != nil {
		return Metadata{}, err
	}
	m.LatestDeleted = len(m.Versions) == 0 || m.Versions[len(m.Versions)-1].Version != m.Latest

	rs, err := s.loadRules(ctx, tx, owner, name)
	if err != nil {
		return Metadata{}, err
	}
	m.ACL = rs.acl()
	return m, nil
}

func readVersionInfos(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string) ([]VersionInfo, error) {
	rows, err := tx.QueryContext(ctx, selectVersionInfos, owner.StringLE(), name)
	if err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	defer rows.Close()

	var out []VersionInfo
	for rows.Next() {
		var v, created int64
		if err := rows.Scan(&v, &created); err != nil {
			return nil, fmt.Errorf("scan version: %w", err)
		}
		out = append(out, VersionInfo{Version: uint64(v), CreatedAt: time.UnixMilli(created).UTC()})
	}
	return out, rows.Err()
}
