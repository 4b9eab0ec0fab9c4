package secrets

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// AuditError reports the first broken link VerifyAudit found.
type AuditError struct {
	// Seq is the entry at which the chain breaks.
	Seq uint64
	// Reason describes the mismatch.
	Reason string
}

// Error names the entry and the mismatch.
func (e *AuditError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

const selectAuditHead = `SELECT seq, hash, mac FROM secrets_audit_head WHERE id = 1`

const selectAuditRows = `SELECT seq, at, action, caller, owner, contract, name, version, outcome, detail, prev_hash
	FROM secrets_audit WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`

// verifyPage is how many entries VerifyAudit reads per query.
const verifyPage = 1000

// noUpperSeq is an upper bound above every sequence number.
const noUpperSeq = int64(1) << 62

// VerifyAudit walks the audit log from its first entry. It checks that
// the sequence numbers have no gaps and that each entry's PrevHash is the
// hash of the entry before it. The last entry must match the head row,
// whose MAC needs the master key. It returns nil for an intact log and
// otherwise an *AuditError naming the first broken link, so a removed,
// inserted or edited entry is reported.
//
// NOTE: the log lives in the same database it audits. Deleting the whole
// log together with its head row, or restoring an older copy of the whole
// database, goes unnoticed unless AuditHead is recorded somewhere else.
func (s *Service) VerifyAudit(ctx context.Context) error {
	headSeq, headHash, err := s.readHead(ctx)
	if err != nil {
		return err
	}

	prev := make([]byte, sha256.Size)
	var last int64
	for last < headSeq {
		rows, err := s.auditPage(ctx, last, headSeq, verifyPage)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return &AuditError{Seq: uint64(last + 1), Reason: "entry missing"}
		}
		for _, r := range rows {
			if err := checkLink(r, last, prev); err != nil {
				return err
			}
			prev, last = r.hash(), r.seq
		}
	}

	if !bytes.Equal(prev, headHash) {
		return &AuditError{Seq: uint64(headSeq), Reason: "entry does not match the hash in the head"}
	}
	return s.checkBeyondHead(ctx, headSeq)
}

// checkBeyondHead reports an entry past the head that no append made: an
// append moves the head in the same transaction, so a later entry is
// legitimate only if the head has moved past it meanwhile.
func (s *Service) checkBeyondHead(ctx context.Context, headSeq int64) error {
	rows, err := s.auditPage(ctx, headSeq, noUpperSeq, 1)
	if err != nil || len(rows) == 0 {
		return err
	}

	nowSeq, _, err := s.readHead(ctx)
	if err != nil {
		return err
	}
	if rows[0].seq > nowSeq {
		return &AuditError{Seq: uint64(rows[0].seq), Reason: "entry lies beyond the head"}
	}
	return nil
}

// checkLink checks that r follows the entry last, whose hash is prev.
func checkLink(r auditRow, last int64, prev []byte) error {
	if r.seq != last+1 {
		return &AuditError{Seq: uint64(last + 1), Reason: "entry missing"}
	}
	if !bytes.Equal(r.prevHash, prev) {
		return &AuditError{
			Seq:    uint64(r.seq),
			Reason: fmt.Sprintf("prev_hash does not match the hash of entry %d", last),
		}
	}
	return nil
}

// readHead returns the head's sequence number and hash after checking its
// MAC. A log that was never written has no head and reads as empty.
func (s *Service) readHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var hash, mac []byte
	err := s.db.SQL().QueryRowContext(ctx, selectAuditHead).Scan(&seq, &hash, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		return s.emptyLog(ctx)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read audit head: %w", err)
	}

	if !hmac.Equal(mac, s.headMAC(seq, hash)) {
		return 0, nil, &AuditError{Seq: uint64(seq), Reason: "head MAC does not match the master key"}
	}
	return seq, hash, nil
}

// emptyLog checks that a log without a head has no entries either.
func (s *Service) emptyLog(ctx context.Context) (int64, []byte, error) {
	rows, err := s.auditPage(ctx, 0, noUpperSeq, 1)
	if err != nil {
		return 0, nil, err
	}
	if len(rows) > 0 {
		return 0, nil, &AuditError{Seq: uint64(rows[0].seq), Reason: "audit head missing"}
	}
	return 0, make([]byte, sha256.Size), nil
}

func (s *Service) auditPage(ctx context.Context, after, upTo int64, limit int) ([]auditRow, error) {
	rows, err := s.db.SQL().QueryContext(ctx, selectAuditRows, after, upTo, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()

	var out []auditRow
	for rows.Next() {
		var r auditRow
		err := rows.Scan(&r.seq, &r.at, &r.action, &r.caller, &r.owner, &r.contract,
			&r.name, &r.version, &r.outcome, &r.detail, &r.prevHash)
		if err != nil {
			return nil, fmt.Errorf("scan audit entry: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}

// AuditHead returns the sequence number and hash of the last audit entry
// after checking the head's MAC. Recording it outside the database (a log
// line, a chain transaction) lets a later VerifyAudit run also detect the
// loss of the whole log or a rollback of the database.
func (s *Service) AuditHead(ctx context.Context) (uint64, [sha256.Size]byte, error) {
	seq, hash, err := s.readHead(ctx)
	if err != nil {
		return 0, [sha256.Size]byte{}, err
	}
	return uint64(seq), [sha256.Size]byte(hash), nil
}

// ReadAudit returns up to limit entries (at most 1000) with a sequence
// number above after, in order. It does not verify the chain; VerifyAudit
// does.
func (s *Service) ReadAudit(ctx context.Context, after uint64, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > verifyPage {
		limit = verifyPage
	}
	rows, err := s.auditPage(ctx, int64(after), noUpperSeq, limit)
	if err != nil {
		return nil, err
	}

	out := make([]AuditEntry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (r auditRow) entry() (AuditEntry, error) {
	e := AuditEntry{
		Seq:     uint64(r.seq),
		At:      time.UnixMilli(r.at).UTC(),
		Action:  r.action,
		Caller:  r.caller,
		Name:    r.name,
		Version: uint64(r.version),
		Outcome: r.outcome,
		Detail:  r.detail,
	}
	copy(e.PrevHash[:], r.prevHash)

	var err error
	if e.Owner, err = util.Uint160DecodeStringLE(r.owner); err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry %d owner: %w", r.seq, err)
	}
	if r.contract != "" {
		if e.Contract, err = util.Uint160DecodeStringLE(r.contract); err != nil {
			return AuditEntry{}, fmt.Errorf("audit entry %d contract: %w", r.seq, err)
		}
	}
	return e, nil
}
