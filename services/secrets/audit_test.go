package secrets_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

// populate runs owner operations and resolves that leave eight audit
// entries.
func populate(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	f.put(t, ownerA, "api", "v1")
	f.put(t, ownerA, "api", "v2")
	f.allow(t, ownerA, "api", contractX)
	_, _, err := f.resolve(ownerA, "api", secrets.Latest, contractX)
	require.NoError(t, err)
	_, _, err = f.resolve(ownerA, "api", secrets.Latest, contractY)
	require.ErrorIs(t, err, secrets.ErrDenied)
	require.NoError(t, f.svc.Revoke(ctx, ownerA, "api", secrets.ContractSubject(contractX)))
	require.NoError(t, f.svc.DeleteVersion(ctx, ownerA, "api", 1))
}

func TestAuditRecordsOperations(t *testing.T) {
	f := newFixture(t)
	populate(t, f)
	require.NoError(t, f.svc.Delete(context.Background(), ownerA, "api"))

	type row struct {
		Action, Caller, Outcome, Detail string
		Version                         uint64
	}
	var got []row
	for i, e := range f.audit(t) {
		require.Equal(t, uint64(i+1), e.Seq)
		require.Equal(t, ownerA, e.Owner)
		require.Equal(t, "api", e.Name)
		got = append(got, row{e.Action, e.Caller, e.Outcome, e.Detail, e.Version})
	}
	contract := "contract:" + contractX.StringLE()
	require.Equal(t, []row{
		{secrets.ActionPut, secrets.CallerOwner, secrets.OutcomeOK, "", 1},
		{secrets.ActionPut, secrets.CallerOwner, secrets.OutcomeOK, "", 2},
		{secrets.ActionGrant, secrets.CallerOwner, secrets.OutcomeOK, "service:oracle", 0},
		{secrets.ActionGrant, secrets.CallerOwner, secrets.OutcomeOK, contract, 0},
		{secrets.ActionResolve, "oracle", secrets.OutcomeOK, "", 2},
		{secrets.ActionResolve, "oracle", secrets.OutcomeDenied, "contract not allowed", 0},
		{secrets.ActionRevoke, secrets.CallerOwner, secrets.OutcomeOK, contract, 0},
		{secrets.ActionDelete, secrets.CallerOwner, secrets.OutcomeOK, "", 1},
		{secrets.ActionDelete, secrets.CallerOwner, secrets.OutcomeOK, "all versions (1 live)", 0},
	}, got)

	entries := f.audit(t)
	require.Equal(t, [32]byte{}, entries[0].PrevHash)
	require.NotEqual(t, [32]byte{}, entries[1].PrevHash)
	require.True(t, entries[0].At.Before(entries[1].At))
	require.NoError(t, f.svc.VerifyAudit(context.Background()))

	seq, hash, err := f.svc.AuditHead(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(9), seq)
	require.NotEqual(t, [32]byte{}, hash)
}

func TestVerifyAuditEmpty(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.svc.VerifyAudit(context.Background()))
	seq, _, err := f.svc.AuditHead(context.Background())
	require.NoError(t, err)
	require.Zero(t, seq)
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		args   []any
		then   string
		seq    uint64
		reason string
	}{
		{
			name:   "row removed in the middle",
			tamper: "DELETE FROM secrets_audit WHERE seq = 4",
			seq:    4, reason: "entry missing",
		},
		{
			name:   "last row removed",
			tamper: "DELETE FROM secrets_audit WHERE seq = 8",
			seq:    8, reason: "entry missing",
		},
		{
			name:   "outcome edited",
			tamper: "UPDATE secrets_audit SET outcome = 'ok', detail = '' WHERE seq = 6",
			seq:    7, reason: "prev_hash does not match the hash of entry 6",
		},
		{
			name:   "caller edited",
			tamper: "UPDATE secrets_audit SET caller = 'compute' WHERE seq = 5",
			seq:    6, reason: "prev_hash does not match the hash of entry 5",
		},
		{
			name:   "first row edited",
			tamper: "UPDATE secrets_audit SET at = at + 1 WHERE seq = 1",
			seq:    2, reason: "prev_hash does not match the hash of entry 1",
		},
		{
			name:   "last row edited",
			tamper: "UPDATE secrets_audit SET version = 2 WHERE seq = 8",
			seq:    8, reason: "does not match the hash in the head",
		},
		{
			name:   "prev hash edited",
			tamper: "UPDATE secrets_audit SET prev_hash = $1 WHERE seq = 3",
			args:   []any{make([]byte, 32)},
			seq:    3, reason: "prev_hash does not match the hash of entry 2",
		},
		{
			name:   "rows renumbered to close a gap",
			tamper: "DELETE FROM secrets_audit WHERE seq = 4",
			then:   "UPDATE secrets_audit SET seq = seq - 1 WHERE seq > 4",
			seq:    4, reason: "prev_hash does not match the hash of entry 3",
		},
		{
			name:   "head moved back",
			tamper: "UPDATE secrets_audit_head SET seq = 7",
			seq:    7, reason: "head MAC",
		},
		{
			name:   "head removed",
			tamper: "DELETE FROM secrets_audit_head",
			seq:    1, reason: "audit head missing",
		},
		{
			name: "entry forged beyond head",
			tamper: `INSERT INTO secrets_audit (seq, at, action, caller, owner, contract, name, version, outcome, detail, prev_hash)
				SELECT 9, at, action, caller, owner, contract, name, version, outcome, detail, prev_hash
				FROM secrets_audit WHERE seq = 8`,
			seq: 9, reason: "beyond the head",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			populate(t, f)
			require.NoError(t, f.svc.VerifyAudit(context.Background()))

			f.exec(t, tc.tamper, tc.args...)
			if tc.then != "" {
				f.exec(t, tc.then)
			}
			err := f.svc.VerifyAudit(context.Background())
			var broken *secrets.AuditError
			require.True(t, errors.As(err, &broken), "got %v, want *AuditError", err)
			require.Equal(t, tc.seq, broken.Seq)
			require.Contains(t, broken.Reason, tc.reason)
		})
	}
}

func TestVerifyAuditDetectsCutTail(t *testing.T) {
	f := newFixture(t)
	populate(t, f)

	// Without the MAC this would pass: entry 8 stores the hash of entry 7,
	// so the head can be pointed at entry 7 consistently.
	f.exec(t, `UPDATE secrets_audit_head SET seq = 7,
		hash = (SELECT prev_hash FROM secrets_audit WHERE seq = 8)`)
	f.exec(t, "DELETE FROM secrets_audit WHERE seq = 8")

	err := f.svc.VerifyAudit(context.Background())
	var broken *secrets.AuditError
	require.True(t, errors.As(err, &broken), "got %v, want *AuditError", err)
	require.Equal(t, uint64(7), broken.Seq)
	require.Contains(t, broken.Reason, "head MAC")
}

func TestVerifyAuditNeedsMasterKey(t *testing.T) {
	f := newFixture(t)
	populate(t, f)

	other, err := secrets.GenerateMasterKey(rand.Reader)
	require.NoError(t, err)
	err = f.newService(t, other).VerifyAudit(context.Background())
	var broken *secrets.AuditError
	require.True(t, errors.As(err, &broken), "got %v, want *AuditError", err)
	require.Contains(t, broken.Reason, "head MAC")
}
