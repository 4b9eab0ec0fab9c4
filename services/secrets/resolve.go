package secrets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Latest, as ResolveRequest.Version, selects the highest version of a
// secret.
const Latest uint64 = 0

const maxVersionNumber = math.MaxInt64

// ResolveRequest names the secret a service wants and on whose behalf.
// Its fields are named, not positional, because Owner and Contract share
// a type and swapping them would check the wrong access rules.
type ResolveRequest struct {
	// Service is the calling service as the mesh authenticated it, such as
	// "oracle"; never a value taken from a request body.
	Service string
	// Owner is the account that owns the secret.
	Owner util.Uint160
	// Name is the secret name.
	Name string
	// Version is the version to read, or Latest.
	Version uint64
	// Contract is the contract whose request needs the secret.
	Contract util.Uint160
}

// Resolve returns a secret value and its version for a service acting for
// a contract. Both must be on the secret's access list and neither
// denied. Errors wrap ErrDenied (a *DeniedError), ErrNotFound for a
// missing version, ErrLatestDeleted when the latest version was deleted,
// or ErrUndecryptable. A caller without access learns nothing about the
// secret: an unknown secret is denied like any other.
//
// Every call, allowed or not, appends an audit entry in the same
// transaction as the reads behind its decision. A value is returned only
// after that entry has committed; if the database fails, the call
// returns that error, no value and no entry.
func (s *Service) Resolve(ctx context.Context, req ResolveRequest) (Value, uint64, error) {
	var res resolution
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = s.decide(ctx, tx, req); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, &res.row)
	})
	if err != nil {
		clear(res.value)
		return Value{}, 0, fmt.Errorf("resolve secret %s: %w", res.row.name, err)
	}

	s.logResolve(ctx, res)
	if res.verdict != nil {
		return Value{}, 0, fmt.Errorf("resolve secret %s: %w", res.row.name, res.verdict)
	}
	return Value{b: res.value}, uint64(res.row.version), nil
}

// resolution is the result of decide: the audit row to append, and
// either the value or the verdict, which is the error the caller gets.
type resolution struct {
	row     auditRow
	value   []byte
	verdict error
}

// deny records verdict as the outcome.
func (res *resolution) deny(outcome string, verdict error) {
	res.row.outcome, res.verdict = outcome, verdict
}

// decide runs the checks of Resolve inside tx. Its error is a database
// failure, which rolls the transaction back; every other outcome is in
// the resolution.
func (s *Service) decide(ctx context.Context, tx *sql.Tx, req ResolveRequest) (resolution, error) {
	res := resolution{row: resolveRow(req)}
	if err := req.validate(); err != nil {
		res.deny(OutcomeInvalid, err)
		res.row.detail = err.Error()
		return res, nil
	}

	rs, err := s.loadRules(ctx, tx, req.Owner, req.Name)
	if err != nil {
		return res, err
	}
	if verdict := rs.decide(req.Service, req.Contract); verdict != nil {
		res.deny(OutcomeDenied, verdict)
		res.row.detail = denialDetail(verdict, len(rs.allow)+len(rs.deny))
		return res, nil
	}

	version, err := pickVersion(ctx, tx, req)
	if err != nil {
		return res, res.fail(err)
	}
	res.row.version = version

	at := slot{Owner: req.Owner, Name: req.Name, Version: uint64(version)}
	if res.value, err = s.readVersion(ctx, tx, at); err != nil {
		return res, res.fail(err)
	}
	return res, nil
}

// fail records err as the verdict when it is one the caller may get, and
// returns it otherwise: a database error that rolls the transaction back.
func (res *resolution) fail(err error) error {
	switch {
	case errors.Is(err, ErrLatestDeleted):
		res.deny(OutcomeLatestDeleted, err)
	case errors.Is(err, ErrNotFound):
		res.deny(OutcomeNotFound, err)
	case errors.Is(err, ErrUndecryptable):
		res.deny(OutcomeError, err)
		res.row.detail = "stored version does not decrypt"
	default:
		return err
	}
	return nil
}

// resolveRow starts the audit row of a resolve, keeping only fields that
// are safe to store even when the request is invalid.
func resolveRow(req ResolveRequest) auditRow {
	r := auditRow{
		action:   ActionResolve,
		owner:    req.Owner.StringLE(),
		contract: req.Contract.StringLE(),
		outcome:  OutcomeOK,
	}
	if ValidateService(req.Service) == nil {
		r.caller = req.Service
	}
	if ValidateName(req.Name) == nil {
		r.name = req.Name
	}
	if req.Version <= maxVersionNumber {
		r.version = int64(req.Version)
	}
	return r
}

func (req ResolveRequest) validate() error {
	if err := ValidateService(req.Service); err != nil {
		return err
	}
	if err := validateOwnerName(req.Owner, req.Name); err != nil {
		return err
	}
	if req.Contract.Equals(util.Uint160{}) {
		return fmt.Errorf("%w: contract hash is zero", ErrInvalidSubject)
	}
	if req.Version > maxVersionNumber {
		return fmt.Errorf("%w: version %d out of range", ErrNotFound, req.Version)
	}
	return nil
}

// denialDetail records why a resolve was denied. An unknown secret has no
// rules at all, which the owner reading the log should be able to tell.
func denialDetail(verdict error, ruleCount int) string {
	if ruleCount == 0 {
		return "no access rules, or no such secret"
	}
	var d *DeniedError
	if errors.As(verdict, &d) {
		return d.reason()
	}
	return verdict.Error()
}
