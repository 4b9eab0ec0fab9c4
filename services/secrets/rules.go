package secrets

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// ACL is a secret's access list as Metadata reports it, each list sorted.
type ACL struct {
	AllowedServices  []string
	DeniedServices   []string
	AllowedContracts []util.Uint160
	DeniedContracts  []util.Uint160
}

// rules is a secret's access list as Resolve evaluates it.
type rules struct {
	allow map[Subject]bool
	deny  map[Subject]bool
}

// check returns a *DeniedError unless subject has an allow rule and no
// deny rule.
func (r rules) check(subject Subject) error {
	if r.deny[subject] {
		return &DeniedError{Kind: subject.Kind, Explicit: true}
	}
	if !r.allow[subject] {
		return &DeniedError{Kind: subject.Kind}
	}
	return nil
}

// decide lets a resolve through only if both the calling service and the
// requesting contract pass.
func (r rules) decide(service string, contract util.Uint160) error {
	if err := r.check(ServiceSubject(service)); err != nil {
		return err
	}
	return r.check(ContractSubject(contract))
}

func (r rules) acl() ACL {
	var a ACL
	for subject := range r.allow {
		a.AllowedServices, a.AllowedContracts = addSubject(a.AllowedServices, a.AllowedContracts, subject)
	}
	for subject := range r.deny {
		a.DeniedServices, a.DeniedContracts = addSubject(a.DeniedServices, a.DeniedContracts, subject)
	}
	slices.Sort(a.AllowedServices)
	slices.Sort(a.DeniedServices)
	slices.SortFunc(a.AllowedContracts, util.Uint160.Compare)
	slices.SortFunc(a.DeniedContracts, util.Uint160.Compare)
	return a
}

func addSubject(services []string, contracts []util.Uint160, s Subject) ([]string, []util.Uint160) {
	if s.Kind == KindService {
		return append(services, s.ID), contracts
	}
	// Stored contract IDs passed validateContract on the way in.
	h, _ := util.Uint160DecodeStringLE(s.ID)
	return services, append(contracts, h)
}

const selectRules = `SELECT kind, subject, effect, mac FROM secrets_acl WHERE owner = $1 AND name = $2`

// queryer is the query method that *sql.Tx and *sql.DB share.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// loadRules reads a secret's access list. An allow rule whose MAC does not
// match was not written by this service, so it is ignored and logged. A
// deny rule counts whatever its MAC, because honouring it can only
// withhold a secret.
func (s *Service) loadRules(ctx context.Context, q queryer, owner util.Uint160, name string) (rules, error) {
	rows, err := q.QueryContext(ctx, selectRules, owner.StringLE(), name)
	if err != nil {
		return rules{}, fmt.Errorf("read access list: %w", err)
	}
	defer rows.Close()

	r := rules{allow: map[Subject]bool{}, deny: map[Subject]bool{}}
	for rows.Next() {
		var kind, id, effect string
		var mac []byte
		if err := rows.Scan(&kind, &id, &effect, &mac); err != nil {
			return rules{}, fmt.Errorf("scan access rule: %w", err)
		}
		subject := Subject{Kind: SubjectKind(kind), ID: id}
		switch effect {
		case effectDeny:
			r.deny[subject] = true
		case effectAllow:
			if !hmac.Equal(mac, s.ruleMAC(owner, name, subject, effect)) {
				s.log.ErrorContext(ctx, "access rule with an invalid MAC ignored: the database was changed outside the service",
					"owner", owner.StringLE(), "name", name, "subject", subject.String())
				continue
			}
			r.allow[subject] = true
		}
	}
	if err := rows.Err(); err != nil {
		return rules{}, fmt.Errorf("read access list: %w", err)
	}
	return r, nil
}

// ruleMAC authenticates one access rule with the key derived from the
// master key for rules, over length-prefixed fields.
func (s *Service) ruleMAC(owner util.Uint160, name string, subject Subject, effect string) []byte {
	mac := hmac.New(sha256.New, s.aclKey)
	for _, field := range []string{owner.StringLE(), name, string(subject.Kind), subject.ID, effect} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(field)))
		mac.Write(n[:])
		mac.Write([]byte(field))
	}
	return mac.Sum(nil)
}
