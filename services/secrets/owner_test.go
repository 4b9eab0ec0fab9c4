package secrets_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestPutResolveRoundTrip(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, uint64(1), f.put(t, ownerA, "api", "first"))
	require.Equal(t, uint64(2), f.put(t, ownerA, "api", "second"))
	f.allow(t, ownerA, "api", contractX)

	got, version, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.NoError(t, err)
	require.Equal(t, "second", got)
	require.Equal(t, uint64(2), version)

	got, version, err = f.resolve(ownerA, "api", 1, contractX)
	require.NoError(t, err)
	require.Equal(t, "first", got)
	require.Equal(t, uint64(1), version)

	binary := append([]byte{0, 0xff, '\n'}, bytes.Repeat([]byte{7}, secrets.MaxValueBytes-3)...)
	v, err := f.svc.Put(context.Background(), ownerA, "api", binary)
	require.NoError(t, err)
	got, _, err = f.resolve(ownerA, "api", v, contractX)
	require.NoError(t, err)
	require.Equal(t, string(binary), got)
}

func TestPutKeepsOwnersApart(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "a-value")
	f.put(t, ownerB, "api", "b-value")
	f.allow(t, ownerA, "api", contractX)
	f.allow(t, ownerB, "api", contractX)

	got, version, err := f.resolve(ownerB, "api", secrets.Latest, contractX)
	require.NoError(t, err)
	require.Equal(t, "b-value", got)
	require.Equal(t, uint64(1), version, "versions count per owner and name")
}

func TestPutRejectsInvalidInput(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		owner util.Uint160
		key   string
		value []byte
		want  error
	}{
		{name: "empty value", owner: ownerA, key: "api", value: nil, want: secrets.ErrInvalidValue},
		{name: "oversized value", owner: ownerA, key: "api", value: make([]byte, secrets.MaxValueBytes+1), want: secrets.ErrInvalidValue},
		{name: "invalid name", owner: ownerA, key: "api key", value: []byte("v"), want: secrets.ErrInvalidName},
		{name: "zero owner", owner: util.Uint160{}, key: "api", value: []byte("v"), want: secrets.ErrInvalidOwner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Put(context.Background(), tc.owner, tc.key, tc.value)
			require.ErrorIs(t, err, tc.want)
		})
	}
	require.Empty(t, f.audit(t), "rejected puts change nothing")
}

func TestListAndMetadata(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.put(t, ownerA, "zeta", "z1")
	f.put(t, ownerA, "alpha", "a1")
	f.put(t, ownerA, "alpha", "a2")
	f.put(t, ownerA, "alpha", "a3")
	f.put(t, ownerB, "other", "b1")
	require.NoError(t, f.svc.DeleteVersion(ctx, ownerA, "alpha", 2))
	require.NoError(t, f.svc.Grant(ctx, ownerA, "alpha", secrets.ServiceSubject("oracle")))
	require.NoError(t, f.svc.Grant(ctx, ownerA, "alpha", secrets.ContractSubject(contractY)))
	require.NoError(t, f.svc.Grant(ctx, ownerA, "alpha", secrets.ContractSubject(contractX)))
	require.NoError(t, f.svc.Deny(ctx, ownerA, "alpha", secrets.ServiceSubject("compute")))

	list, err := f.svc.List(ctx, ownerA)
	require.NoError(t, err)
	require.Equal(t, []secrets.Summary{
		{Name: "alpha", Latest: 3, Versions: []uint64{1, 3}},
		{Name: "zeta", Latest: 1, Versions: []uint64{1}},
	}, list)

	m, err := f.svc.Metadata(ctx, ownerA, "alpha")
	require.NoError(t, err)
	require.Equal(t, uint64(3), m.Latest)
	require.False(t, m.LatestDeleted)
	require.Len(t, m.Versions, 2)
	require.Equal(t, uint64(1), m.Versions[0].Version)
	require.Equal(t, uint64(3), m.Versions[1].Version)
	require.True(t, m.Versions[0].CreatedAt.Before(m.Versions[1].CreatedAt))
	require.Equal(t, secrets.ACL{
		AllowedServices:  []string{"oracle"},
		DeniedServices:   []string{"compute"},
		AllowedContracts: []util.Uint160{contractX, contractY},
	}, m.ACL)

	_, err = f.svc.Metadata(ctx, ownerB, "alpha")
	require.ErrorIs(t, err, secrets.ErrNotFound, "metadata must not cross owners")
}

func TestVersionsNeverReused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.put(t, ownerA, "api", "v1")
	f.put(t, ownerA, "api", "v2")
	f.allow(t, ownerA, "api", contractX)
	require.NoError(t, f.svc.Delete(ctx, ownerA, "api"))

	list, err := f.svc.List(ctx, ownerA)
	require.NoError(t, err)
	require.Empty(t, list, "a deleted secret is not listed")
	_, err = f.svc.Metadata(ctx, ownerA, "api")
	require.ErrorIs(t, err, secrets.ErrNotFound)

	require.Equal(t, uint64(3), f.put(t, ownerA, "api", "v3"), "numbering continues after delete")
	_, _, err = f.resolve(ownerA, "api", 3, contractX)
	require.ErrorIs(t, err, secrets.ErrDenied, "delete dropped the access list")

	f.allow(t, ownerA, "api", contractX)
	_, _, err = f.resolve(ownerA, "api", 1, contractX)
	require.ErrorIs(t, err, secrets.ErrNotFound, "old version number must not reappear")
}

func TestDeleteRemovesBytes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.put(t, ownerA, "api", "v1")
	f.put(t, ownerA, "api", "v2")
	f.put(t, ownerA, "gone", "g1")

	require.NoError(t, f.svc.DeleteVersion(ctx, ownerA, "api", 1))
	require.Equal(t, 1, f.count(t, "SELECT COUNT(*) FROM secrets_versions WHERE name = 'api'"))
	require.NoError(t, f.svc.Delete(ctx, ownerA, "gone"))
	require.Equal(t, 0, f.count(t, "SELECT COUNT(*) FROM secrets_versions WHERE name = 'gone'"))
	require.Equal(t, 0, f.count(t, "SELECT COUNT(*) FROM secrets WHERE name = 'gone'"))

	tests := []struct {
		name string
		err  error
	}{
		{name: "deleted version", err: f.svc.DeleteVersion(ctx, ownerA, "api", 1)},
		{name: "future version", err: f.svc.DeleteVersion(ctx, ownerA, "api", 9)},
		{name: "version zero", err: f.svc.DeleteVersion(ctx, ownerA, "api", 0)},
		{name: "deleted secret", err: f.svc.Delete(ctx, ownerA, "gone")},
		{name: "other owner", err: f.svc.Delete(ctx, ownerB, "api")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.err, secrets.ErrNotFound)
		})
	}
}

func TestGrantNeedsSecret(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	err := f.svc.Grant(ctx, ownerA, "missing", secrets.ServiceSubject("oracle"))
	require.ErrorIs(t, err, secrets.ErrNotFound)

	f.put(t, ownerA, "api", "v")
	tests := []struct {
		name    string
		subject secrets.Subject
	}{
		{name: "upper case service", subject: secrets.ServiceSubject("Oracle")},
		{name: "zero contract", subject: secrets.ContractSubject(util.Uint160{})},
		{name: "contract with 0x", subject: secrets.Subject{Kind: secrets.KindContract, ID: "0x" + contractX.StringLE()}},
		{name: "upper case contract", subject: secrets.Subject{Kind: secrets.KindContract, ID: strings.ToUpper(contractX.StringLE())}},
		{name: "unknown kind", subject: secrets.Subject{Kind: "user", ID: "alice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.svc.Grant(ctx, ownerA, "api", tc.subject)
			require.ErrorIs(t, err, secrets.ErrInvalidSubject)
		})
	}
}

func TestLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for range secrets.MaxVersions {
		f.put(t, ownerA, "api", "v")
	}
	_, err := f.svc.Put(ctx, ownerA, "api", []byte("v"))
	require.ErrorIs(t, err, secrets.ErrLimit)
	require.NoError(t, f.svc.DeleteVersion(ctx, ownerA, "api", 1))
	f.put(t, ownerA, "api", "v")

	for i := range secrets.MaxRules {
		require.NoError(t, f.svc.Grant(ctx, ownerA, "api", secrets.ContractSubject(util.Uint160{9, byte(i)})))
	}
	err = f.svc.Grant(ctx, ownerA, "api", secrets.ServiceSubject("oracle"))
	require.ErrorIs(t, err, secrets.ErrLimit)
	require.NoError(t, f.svc.Grant(ctx, ownerA, "api", secrets.ContractSubject(util.Uint160{9, 0})),
		"repeating an existing rule at the limit succeeds")
}

func TestLimitSecretsPerOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.put(t, ownerA, "kept", "v")
	// Fill the owner up to the limit directly: a thousand Puts would make
	// the test slow without testing more.
	tx, err := f.db.SQL().BeginTx(ctx, nil)
	require.NoError(t, err)
	for i := 1; i < secrets.MaxSecrets; i++ {
		_, err := tx.ExecContext(ctx, "INSERT INTO secrets (owner, name, created_at, updated_at) VALUES ($1, $2, 0, 0)",
			ownerA.StringLE(), fmt.Sprintf("filler-%d", i))
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())

	_, err = f.svc.Put(ctx, ownerA, "one-more", []byte("v"))
	require.ErrorIs(t, err, secrets.ErrLimit)
	require.Equal(t, uint64(2), f.put(t, ownerA, "kept", "v2"), "an existing secret takes new versions")
	f.put(t, ownerB, "one-more", "v")
}

// count runs a COUNT query directly on the database.
func (f *fixture) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	require.NoError(t, f.db.SQL().QueryRowContext(context.Background(), query).Scan(&n))
	return n
}
