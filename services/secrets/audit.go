package secrets

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Audit actions.
const (
	ActionResolve = "resolve"
	ActionPut     = "put"
	ActionGrant   = "grant"
	ActionDeny    = "deny"
	ActionRevoke  = "revoke"
	ActionDelete  = "delete"
)

// Audit outcomes.
const (
	OutcomeOK            = "ok"
	OutcomeDenied        = "denied"
	OutcomeNotFound      = "not_found"
	OutcomeLatestDeleted = "latest_deleted"
	OutcomeInvalid       = "invalid"
	OutcomeError         = "error"
)

// CallerOwner is the caller recorded for owner operations, which the
// owner makes through an authenticated front end rather than as a service.
const CallerOwner = "owner"

// AuditEntry is one record of the audit log.
type AuditEntry struct {
	// Seq numbers entries 1, 2, 3 and so on, without gaps.
	Seq uint64
	// At is when the operation ran, in milliseconds.
	At time.Time
	// Action is one of the Action constants.
	Action string
	// Caller is the service that resolved, or CallerOwner.
	Caller string
	// Owner is the account that owns the secret.
	Owner util.Uint160
	// Contract is the requesting contract of a resolve, zero otherwise.
	Contract util.Uint160
	// Name is the secret name; empty when the request carried an invalid
	// name.
	Name string
	// Version is the version read, written or deleted; 0 when none applies
	// (delete of all versions, a failed resolve of the latest).
	Version uint64
	// Outcome is one of the Outcome constants.
	Outcome string
	// Detail adds what the other fields lack: the subject of an access
	// change, or the reason of a denial.
	Detail string
	// PrevHash is the SHA-256 hash of the previous entry (32 zero bytes
	// for the first).
	PrevHash [sha256.Size]byte
}

// auditRow is an entry in its stored form, so the hash covers exactly the
// stored text.
type auditRow struct {
	seq      int64
	at       int64
	action   string
	caller   string
	owner    string
	contract string
	name     string
	version  int64
	outcome  string
	detail   string
	prevHash []byte
}

const auditHashLabel = "neo-service-layer/secrets/audit/v1"

// hash returns SHA-256 over every field of the row, each variable field
// prefixed with its length so that no two rows encode alike.
func (r auditRow) hash() []byte {
	b := []byte(auditHashLabel)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.seq))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.at))
	for _, f := range []string{r.action, r.caller, r.owner, r.contract, r.name} {
		b = appendField(b, []byte(f))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(r.version))
	b = appendField(b, []byte(r.outcome))
	b = appendField(b, []byte(r.detail))
	b = appendField(b, r.prevHash)
	sum := sha256.Sum256(b)
	return sum[:]
}

func appendField(b, f []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
	return append(b, f...)
}

// headMAC authenticates the head of the chain, so rewriting the chain, or
// cutting entries off its end, needs the master key.
func (s *Service) headMAC(seq int64, hash []byte) []byte {
	mac := hmac.New(sha256.New, s.auditKey)
	mac.Write(binary.LittleEndian.AppendUint64(nil, uint64(seq)))
	mac.Write(hash)
	return mac.Sum(nil)
}

const insertAuditHead = `INSERT INTO secrets_audit_head (id, seq, hash, mac) VALUES (1, 0, $1, $2)
	ON CONFLICT (id) DO NOTHING`

// nextAuditSeq is an UPDATE first, so that on PostgreSQL it locks the head
// row and concurrent appends queue behind it.
const nextAuditSeq = `UPDATE secrets_audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`

const insertAudit = `INSERT INTO secrets_audit
	(seq, at, action, caller, owner, contract, name, version, outcome, detail, prev_hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

const updateAuditHead = `UPDATE secrets_audit_head SET hash = $1, mac = $2 WHERE id = 1`

// appendAudit adds r to the log inside tx, filling in its sequence number,
// time and previous hash.
func (s *Service) appendAudit(ctx context.Context, tx *sql.Tx, r *auditRow) error {
	genesis := make([]byte, sha256.Size)
	if _, err := tx.ExecContext(ctx, insertAuditHead, genesis, s.headMAC(0, genesis)); err != nil {
		return fmt.Errorf("create audit head: %w", err)
	}
	if err := tx.QueryRowContext(ctx, nextAuditSeq).Scan(&r.seq, &r.prevHash); err != nil {
		return fmt.Errorf("advance audit head: %w", err)
	}

	r.at = s.now().UnixMilli()
	_, err := tx.ExecContext(ctx, insertAudit,
		r.seq, r.at, r.action, r.caller, r.owner, r.contract, r.name, r.version, r.outcome, r.detail, r.prevHash)
	if err != nil {
		return fmt.Errorf("insert audit entry %d: %w", r.seq, err)
	}

	h := r.hash()
	if _, err := tx.ExecContext(ctx, updateAuditHead, h, s.headMAC(r.seq, h)); err != nil {
		return fmt.Errorf("update audit head: %w", err)
	}
	return nil
}

// ownerRow starts the audit row of an owner operation.
func ownerRow(action string, owner util.Uint160, name string) auditRow {
	return auditRow{action: action, caller: CallerOwner, owner: owner.StringLE(), name: name, outcome: OutcomeOK}
}
