package secrets_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/store"
	"github.com/neo-service-layer/servicelayer/services/secrets"
)

var (
	ownerA    = util.Uint160{0xa1, 1}
	ownerB    = util.Uint160{0xb2, 2}
	contractX = util.Uint160{0xc1, 3}
	contractY = util.Uint160{0xc2, 4}
)

// fixture is a service on a fresh database with a clock that advances one
// second per reading and a log captured at debug level.
type fixture struct {
	svc *secrets.Service
	db  *store.DB
	key secrets.MasterKey
	log *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "secrets.db")})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, secrets.Migrate(ctx, db))

	key, err := secrets.GenerateMasterKey(rand.Reader)
	require.NoError(t, err)
	f := &fixture{db: db, key: key, log: &syncBuffer{}}
	f.svc = f.newService(t, key)
	return f
}

// newService builds another service on the fixture's database, for
// example with another master key.
func (f *fixture) newService(t *testing.T, key secrets.MasterKey) *secrets.Service {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	svc, err := secrets.New(secrets.Config{
		DB:        f.db,
		MasterKey: key,
		Log:       slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Second)
			return now
		},
	})
	require.NoError(t, err)
	return svc
}

// put stores value and returns its version.
func (f *fixture) put(t *testing.T, owner util.Uint160, name, value string) uint64 {
	t.Helper()
	v, err := f.svc.Put(context.Background(), owner, name, []byte(value))
	require.NoError(t, err)
	return v
}

// allow grants both the oracle service and contract to resolve name.
func (f *fixture) allow(t *testing.T, owner util.Uint160, name string, contract util.Uint160) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, f.svc.Grant(ctx, owner, name, secrets.ServiceSubject("oracle")))
	require.NoError(t, f.svc.Grant(ctx, owner, name, secrets.ContractSubject(contract)))
}

// resolve requests a secret of owner as the oracle, for contract.
func (f *fixture) resolve(owner util.Uint160, name string, version uint64, contract util.Uint160) (string, uint64, error) {
	v, got, err := f.svc.Resolve(context.Background(), secrets.ResolveRequest{
		Service:  "oracle",
		Owner:    owner,
		Name:     name,
		Version:  version,
		Contract: contract,
	})
	return string(v.Bytes()), got, err
}

// audit returns the whole audit log.
func (f *fixture) audit(t *testing.T) []secrets.AuditEntry {
	t.Helper()
	entries, err := f.svc.ReadAudit(context.Background(), 0, 1000)
	require.NoError(t, err)
	return entries
}

// lastAudit returns the newest audit entry.
func (f *fixture) lastAudit(t *testing.T) secrets.AuditEntry {
	t.Helper()
	entries := f.audit(t)
	require.NotEmpty(t, entries)
	return entries[len(entries)-1]
}

// exec runs a statement directly on the database, as an attacker with
// file access could.
func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	_, err := f.db.SQL().ExecContext(context.Background(), query, args...)
	require.NoError(t, err)
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
