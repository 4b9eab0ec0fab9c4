package secrets_test

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestCopiedEnvelopeDoesNotOpen(t *testing.T) {
	// Each case copies columns from a source row onto owner A's "api"
	// version 2, the row resolved as latest.
	tests := []struct {
		name    string
		columns string
		owner   string
		secret  string
		version int
	}{
		{name: "whole envelope from other owner", columns: "wrapped_key, ciphertext", owner: ownerB.StringLE(), secret: "api", version: 1},
		{name: "whole envelope from other name", columns: "wrapped_key, ciphertext", owner: ownerA.StringLE(), secret: "other", version: 1},
		{name: "whole envelope from older version", columns: "wrapped_key, ciphertext", owner: ownerA.StringLE(), secret: "api", version: 1},
		{name: "wrapped key only", columns: "wrapped_key", owner: ownerA.StringLE(), secret: "other", version: 1},
		{name: "ciphertext only", columns: "ciphertext", owner: ownerA.StringLE(), secret: "api", version: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.put(t, ownerA, "api", "a-api-1")
			f.put(t, ownerA, "api", "a-api-2")
			f.put(t, ownerA, "other", "a-other-1")
			f.put(t, ownerB, "api", "b-api-1")
			f.allow(t, ownerA, "api", contractX)

			f.exec(t, "UPDATE secrets_versions SET ("+tc.columns+") = (SELECT "+tc.columns+
				" FROM secrets_versions WHERE owner = $1 AND name = $2 AND version = $3)"+
				" WHERE owner = $4 AND name = 'api' AND version = 2",
				tc.owner, tc.secret, tc.version, ownerA.StringLE())

			got, version, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
			require.ErrorIs(t, err, secrets.ErrUndecryptable)
			require.Empty(t, got)
			require.Zero(t, version)
			e := f.lastAudit(t)
			require.Equal(t, secrets.OutcomeError, e.Outcome)
			require.Equal(t, uint64(2), e.Version)

			got, _, err = f.resolve(ownerA, "api", 1, contractX)
			require.NoError(t, err, "the source row is untouched")
			require.Equal(t, "a-api-1", got)
		})
	}
}

func TestOtherMasterKeyDoesNotOpen(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")
	f.allow(t, ownerA, "api", contractX)

	other, err := secrets.GenerateMasterKey(rand.Reader)
	require.NoError(t, err)
	_, _, err = f.newService(t, other).Resolve(context.Background(), secrets.ResolveRequest{
		Service: "oracle", Owner: ownerA, Name: "api", Contract: contractX,
	})
	// The access rules were authenticated under the first key too, so the
	// request is denied before any decryption is tried.
	require.ErrorIs(t, err, secrets.ErrDenied)
}

func TestForgedAccessRuleIgnored(t *testing.T) {
	f := newFixture(t)
	f.put(t, ownerA, "api", "value")

	// Someone with write access to the database but not the master key
	// adds allow rules for the oracle and a contract.
	for _, rule := range [][2]string{{"service", "oracle"}, {"contract", contractX.StringLE()}} {
		f.exec(t, `INSERT INTO secrets_acl (owner, name, kind, subject, effect, created_at)
			VALUES ($1, 'api', $2, $3, 'allow', 0)`, ownerA.StringLE(), rule[0], rule[1])
	}
	_, _, err := f.resolve(ownerA, "api", 1, contractX)
	require.ErrorIs(t, err, secrets.ErrDenied)
	require.Contains(t, f.log.String(), "access rule with an invalid MAC ignored")

	// Rules written by the service itself still work.
	f.allow(t, ownerA, "api", contractX)
	got, _, err := f.resolve(ownerA, "api", 1, contractX)
	require.NoError(t, err)
	require.Equal(t, "value", got)
}
