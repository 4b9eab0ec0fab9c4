package secrets_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestResolveACL(t *testing.T) {
	tests := []struct {
		name     string
		rules    func(f *fixture)
		service  string
		contract util.Uint160
		kind     secrets.SubjectKind
		explicit bool
	}{
		{
			name:    "service not on list",
			rules:   func(f *fixture) { f.allow(t, ownerA, "api", contractX) },
			service: "compute", contract: contractX, kind: secrets.KindService,
		},
		{
			name:    "contract not on list",
			rules:   func(f *fixture) { f.allow(t, ownerA, "api", contractX) },
			service: "oracle", contract: contractY, kind: secrets.KindContract,
		},
		{
			name: "service deny beats allow",
			rules: func(f *fixture) {
				f.allow(t, ownerA, "api", contractX)
				f.rule(t, f.svc.Deny, secrets.ServiceSubject("oracle"))
			},
			service: "oracle", contract: contractX, kind: secrets.KindService, explicit: true,
		},
		{
			name: "contract deny beats allow",
			rules: func(f *fixture) {
				f.rule(t, f.svc.Deny, secrets.ContractSubject(contractX))
				f.allow(t, ownerA, "api", contractX)
			},
			service: "oracle", contract: contractX, kind: secrets.KindContract, explicit: true,
		},
		{
			name: "revoked contract",
			rules: func(f *fixture) {
				f.allow(t, ownerA, "api", contractX)
				f.rule(t, f.svc.Revoke, secrets.ContractSubject(contractX))
			},
			service: "oracle", contract: contractX, kind: secrets.KindContract,
		},
		{
			name:    "empty list",
			rules:   func(f *fixture) {},
			service: "oracle", contract: contractX, kind: secrets.KindService,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.put(t, ownerA, "api", "value")
			tc.rules(f)

			v, version, err := f.svc.Resolve(context.Background(), secrets.ResolveRequest{
				Service: tc.service, Owner: ownerA, Name: "api", Contract: tc.contract,
			})
			require.ErrorIs(t, err, secrets.ErrDenied)
			var denied *secrets.DeniedError
			require.True(t, errors.As(err, &denied))
			require.Equal(t, tc.kind, denied.Kind)
			require.Equal(t, tc.explicit, denied.Explicit)
			require.Zero(t, v.Len())
			require.Zero(t, version)

			e := f.lastAudit(t)
			require.Equal(t, secrets.ActionResolve, e.Action)
			require.Equal(t, secrets.OutcomeDenied, e.Outcome)
			require.Equal(t, tc.service, e.Caller)
			require.Equal(t, ownerA, e.Owner)
			require.Equal(t, tc.contract, e.Contract)
			require.Equal(t, "api", e.Name)
			require.NoError(t, f.svc.VerifyAudit(context.Background()))
		})
	}
}

func TestResolveAllowedAfterRevokeAndGrant(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")
	f.allow(t, ownerA, "api", contractX)
	f.rule(t, f.svc.Deny, secrets.ContractSubject(contractX))

	f.rule(t, f.svc.Grant, secrets.ContractSubject(contractX))
	_, _, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.ErrorIs(t, err, secrets.ErrDenied, "grant must not lift a deny")

	f.rule(t, f.svc.Revoke, secrets.ContractSubject(contractX))
	f.rule(t, f.svc.Grant, secrets.ContractSubject(contractX))
	got, _, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.NoError(t, err)
	require.Equal(t, "value", got)
}

func TestResolveBothDenialsAudited(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")
	f.allow(t, ownerA, "api", contractX)
	ctx := context.Background()

	_, _, err := f.svc.Resolve(ctx, secrets.ResolveRequest{Service: "compute", Owner: ownerA, Name: "api", Contract: contractX})
	require.ErrorIs(t, err, secrets.ErrDenied)
	_, _, err = f.resolve(ownerA, "api", secrets.Latest, contractY)
	require.ErrorIs(t, err, secrets.ErrDenied)
	_, _, err = f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.NoError(t, err)

	var got []string
	for _, e := range f.audit(t) {
		if e.Action == secrets.ActionResolve {
			got = append(got, e.Caller+" "+e.Contract.StringLE()+" "+e.Outcome+" "+e.Detail)
		}
	}
	require.Equal(t, []string{
		"compute " + contractX.StringLE() + " denied service not allowed",
		"oracle " + contractY.StringLE() + " denied contract not allowed",
		"oracle " + contractX.StringLE() + " ok ",
	}, got)
}

func TestResolveLatestDeletedFailsClosed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.put(t, ownerA, "api", "old")
	f.put(t, ownerA, "api", "revoked")
	f.allow(t, ownerA, "api", contractX)
	require.NoError(t, f.svc.DeleteVersion(ctx, ownerA, "api", 2))

	got, version, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.ErrorIs(t, err, secrets.ErrLatestDeleted)
	require.Empty(t, got, "must not fall back to version 1")
	require.Zero(t, version)
	e := f.lastAudit(t)
	require.Equal(t, secrets.OutcomeLatestDeleted, e.Outcome)
	require.Equal(t, uint64(0), e.Version)

	m, err := f.svc.Metadata(ctx, ownerA, "api")
	require.NoError(t, err)
	require.True(t, m.LatestDeleted)

	got, _, err = f.resolve(ownerA, "api", 1, contractX)
	require.NoError(t, err, "an explicit older version still resolves")
	require.Equal(t, "old", got)

	f.put(t, ownerA, "api", "fresh")
	got, version, err = f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.NoError(t, err)
	require.Equal(t, "fresh", got)
	require.Equal(t, uint64(3), version)
}

func TestResolveMissing(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")
	f.allow(t, ownerA, "api", contractX)

	tests := []struct {
		name    string
		owner   util.Uint160
		secret  string
		version uint64
		want    error
		outcome string
	}{
		{name: "unknown version", owner: ownerA, secret: "api", version: 7, want: secrets.ErrNotFound, outcome: secrets.OutcomeNotFound},
		{name: "unknown secret looks denied", owner: ownerA, secret: "nope", want: secrets.ErrDenied, outcome: secrets.OutcomeDenied},
		{name: "other owner looks denied", owner: ownerB, secret: "api", want: secrets.ErrDenied, outcome: secrets.OutcomeDenied},
		{name: "invalid name", owner: ownerA, secret: "a b", want: secrets.ErrInvalidName, outcome: secrets.OutcomeInvalid},
		{name: "zero owner", owner: util.Uint160{}, secret: "api", want: secrets.ErrInvalidOwner, outcome: secrets.OutcomeInvalid},
		{name: "huge version", owner: ownerA, secret: "api", version: 1 << 63, want: secrets.ErrNotFound, outcome: secrets.OutcomeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.resolve(tc.owner, tc.secret, tc.version, contractX)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, tc.outcome, f.lastAudit(t).Outcome)
		})
	}
	require.NoError(t, f.svc.VerifyAudit(context.Background()))
}

func TestResolveRejectsBadCaller(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")
	f.allow(t, ownerA, "api", contractX)
	ctx := context.Background()

	_, _, err := f.svc.Resolve(ctx, secrets.ResolveRequest{Service: "", Owner: ownerA, Name: "api", Contract: contractX})
	require.ErrorIs(t, err, secrets.ErrInvalidSubject)
	require.Equal(t, "", f.lastAudit(t).Caller)

	_, _, err = f.svc.Resolve(ctx, secrets.ResolveRequest{Service: "oracle", Owner: ownerA, Name: "api"})
	require.ErrorIs(t, err, secrets.ErrInvalidSubject, "zero contract")
	require.Equal(t, secrets.OutcomeInvalid, f.lastAudit(t).Outcome)
}

// rule applies one access change to secret "api" of ownerA.
func (f *fixture) rule(t *testing.T, change func(context.Context, util.Uint160, string, secrets.Subject) error, s secrets.Subject) {
	t.Helper()
	require.NoError(t, change(context.Background(), ownerA, "api", s))
}
