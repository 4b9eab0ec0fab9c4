package secrets

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// MaxRules is the maximum number of access rules (allow and deny
// together) on one secret.
const MaxRules = 256

// SubjectKind is the kind of subject an access rule names.
type SubjectKind string

// Subject kinds.
const (
	KindService  SubjectKind = "service"
	KindContract SubjectKind = "contract"
)

// Effects of an access rule as stored.
const (
	effectAllow = "allow"
	effectDeny  = "deny"
)

// Subject is who an access rule applies to. Build it with ServiceSubject
// or ContractSubject.
type Subject struct {
	Kind SubjectKind
	// ID is the service name, or the contract script hash in Neo's usual
	// little-endian hex without "0x" (util.Uint160.StringLE).
	ID string
}

// ServiceSubject names a service, such as "oracle" or "compute".
func ServiceSubject(service string) Subject {
	return Subject{Kind: KindService, ID: service}
}

// ContractSubject names a requesting contract.
func ContractSubject(contract util.Uint160) Subject {
	return Subject{Kind: KindContract, ID: contract.StringLE()}
}

// String returns kind:id, as the audit log records it.
func (s Subject) String() string {
	return string(s.Kind) + ":" + s.ID
}

func (s Subject) validate() error {
	switch s.Kind {
	case KindService:
		return ValidateService(s.ID)
	case KindContract:
		return validateContract(s.ID)
	}
	return fmt.Errorf("%w: kind %q, want %q or %q", ErrInvalidSubject, s.Kind, KindService, KindContract)
}

// validateContract accepts only the canonical form of a non-zero hash, so
// one contract never has two spellings in the access list.
func validateContract(id string) error {
	h, err := util.Uint160DecodeStringLE(id)
	if err != nil || h.StringLE() != id {
		return fmt.Errorf("%w: contract %q is not a lower-case 40-digit hex script hash", ErrInvalidSubject, id)
	}
	if h.Equals(util.Uint160{}) {
		return fmt.Errorf("%w: contract hash is zero", ErrInvalidSubject)
	}
	return nil
}

// Grant allows subject to resolve the secret. A deny rule on the same
// subject still wins. Granting twice is the same as once.
func (s *Service) Grant(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return s.changeRule(ctx, ActionGrant, owner, name, subject)
}

// Deny forbids subject to resolve the secret, even if an allow rule
// exists.
// Only Revoke removes a deny rule.
func (s *Service) Deny(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return s.changeRule(ctx, ActionDeny, owner, name, subject)
}

// Revoke removes every rule, allow and deny, about subject, which leaves
// it without access. Revoking a subject without rules succeeds.
func (s *Service) Revoke(ctx context.Context, owner util.Uint160, name string, subject Subject) error {
	return s.changeRule(ctx, ActionRevoke, owner, name, subject)
}

const selectSecretExists = `SELECT 1 FROM secrets WHERE owner = $1 AND name = $2`

// countOtherRules counts a secret's rules other than the one about to be
// inserted, so repeating a rule at the limit still succeeds.
const countOtherRules = `SELECT COUNT(*) FROM secrets_acl WHERE owner = $1 AND name = $2
	AND NOT (kind = $3 AND subject = $4 AND effect = $5)`

const insertRule = `INSERT INTO secrets_acl (owner, name, kind, subject, effect, created_at, mac)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (owner, name, kind, subject, effect) DO UPDATE SET mac = excluded.mac`

const deleteRules = `DELETE FROM secrets_acl WHERE owner = $1 AND name = $2 AND kind = $3 AND subject = $4`

func (s *Service) changeRule(ctx context.Context, action string, owner util.Uint160, name string, subject Subject) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := subject.validate(); err != nil {
		return err
	}

	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := secretExists(ctx, tx, owner, name); err != nil {
			return err
		}
		if err := s.writeRule(ctx, tx, action, owner, name, subject); err != nil {
			return err
		}
		r := ownerRow(action, owner, name)
		r.detail = subject.String()
		return s.appendAudit(ctx, tx, &r)
	})
	if err != nil {
		return fmt.Errorf("%s %s on secret %s: %w", action, subject, name, err)
	}
	s.log.InfoContext(ctx, "secret access changed",
		"action", action, "owner", owner.StringLE(), "name", name, "subject", subject.String())
	return nil
}

func (s *Service) writeRule(ctx context.Context, tx *sql.Tx, action string, owner util.Uint160, name string, subject Subject) error {
	if action == ActionRevoke {
		_, err := tx.ExecContext(ctx, deleteRules, owner.StringLE(), name, string(subject.Kind), subject.ID)
		return err
	}

	effect := effectAllow
	if action == ActionDeny {
		effect = effectDeny
	}

	var n int
	err := tx.QueryRowContext(ctx, countOtherRules,
		owner.StringLE(), name, string(subject.Kind), subject.ID, effect).Scan(&n)
	if err != nil {
		return fmt.Errorf("count rules: %w", err)
	}
	if n >= MaxRules {
		return fmt.Errorf("%w: secret has %d access rules, limit %d", ErrLimit, n, MaxRules)
	}

	_, err = tx.ExecContext(ctx, insertRule,
		owner.StringLE(), name, string(subject.Kind), subject.ID, effect, s.now().UnixMilli(),
		s.ruleMAC(owner, name, subject, effect))
	return err
}

func secretExists(ctx context.Context, tx *sql.Tx, owner util.Uint160, name string) error {
	var exists int
	err := tx.QueryRowContext(ctx, selectSecretExists, owner.StringLE(), name).Scan(&exists)
	if isNoRows(err) {
		return ErrNotFound
	}
	return err
}
