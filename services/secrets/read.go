package secrets

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
)

const selectLastVersion = `SELECT last_version FROM secrets_counters WHERE owner = $1 AND name = $2`

const selectVersion = `SELECT key_id, wrapped_key, ciphertext FROM secrets_versions
	WHERE owner = $1 AND name = $2 AND version = $3`

const selectVersionExists = `SELECT 1 FROM secrets_versions WHERE owner = $1 AND name = $2 AND version = $3`

// pickVersion returns the version a resolve reads: the requested one, or
// for Latest the highest ever created. It fails with ErrLatestDeleted when
// that highest version is gone, instead of falling back to an older one.
func pickVersion(ctx context.Context, tx *sql.Tx, req ResolveRequest) (int64, error) {
	if req.Version != Latest {
		return int64(req.Version), nil
	}

	var last int64
	err := tx.QueryRowContext(ctx, selectLastVersion, req.Owner.StringLE(), req.Name).Scan(&last)
	if isNoRows(err) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read latest version: %w", err)
	}

	var exists int
	err = tx.QueryRowContext(ctx, selectVersionExists, req.Owner.StringLE(), req.Name, last).Scan(&exists)
	if isNoRows(err) {
		return last, fmt.Errorf("%w: version %d", ErrLatestDeleted, last)
	}
	if err != nil {
		return 0, fmt.Errorf("read version %d: %w", last, err)
	}
	return last, nil
}

// readVersion loads and opens one version. It fails with ErrNotFound when
// the version does not exist and ErrUndecryptable when it does not open.
func (s *Service) readVersion(ctx context.Context, tx *sql.Tx, at slot) ([]byte, error) {
	var e sealed
	err := tx.QueryRowContext(ctx, selectVersion, at.Owner.StringLE(), at.Name, int64(at.Version)).
		Scan(&e.KeyID, &e.WrappedKey, &e.Ciphertext)
	if isNoRows(err) {
		return nil, fmt.Errorf("%w: version %d", ErrNotFound, at.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("read version %d: %w", at.Version, err)
	}
	return open(s.key, at, e)
}

// logResolve logs the outcome of a resolve: names, hashes and versions,
// never the value.
func (s *Service) logResolve(ctx context.Context, res resolution) {
	r := res.row
	level := slog.LevelDebug
	switch r.outcome {
	case OutcomeOK:
	case OutcomeError:
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "secret resolve",
		"outcome", r.outcome,
		"caller", r.caller,
		"owner", r.owner,
		"contract", r.contract,
		"name", r.name,
		"version", r.version,
		"detail", r.detail,
		"audit_seq", r.seq,
	)
}
