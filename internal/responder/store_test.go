package responder

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

func openTestDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "r.db")})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, Migrate(ctx, db))
	return db
}

func claimTestRequest(t *testing.T, db *store.DB, req Request) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		return saveClaim(context.Background(), tx, req, time.Now())
	})
	require.NoError(t, err)
}

func TestClaimIsIdempotent(t *testing.T) {
	db := openTestDB(t)
	req := Request{ID: 3, Service: "vrf", Requester: util.Uint160{1}, Payload: []byte("p"), BlockIndex: 9,
		BlockHash: util.Uint256{2}, TxHash: util.Uint256{4}}
	claimTestRequest(t, db, req)
	claimTestRequest(t, db, Request{ID: 3, Service: "vrf", Payload: []byte("other")})

	pending, err := loadByState(context.Background(), db, statePending, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, req, pending[0].Request)
}

func TestAnswerStoredOnceAndKept(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	claimTestRequest(t, db, Request{ID: 1, Service: "vrf", Payload: []byte("p")})

	require.NoError(t, saveAnswer(ctx, db, 1, result.Success, []byte("first"), []byte("sig1"), time.Now()))
	// A second answer for a request no longer pending must not replace the first.
	require.NoError(t, saveAnswer(ctx, db, 1, result.Error, []byte("second"), []byte("sig2"), time.Now()))

	s, err := loadStored(ctx, db, 1)
	require.NoError(t, err)
	require.Equal(t, result.Success, s.Code)
	require.Equal(t, []byte("first"), s.Result)
	require.Equal(t, []byte("sig1"), s.Signature)

	answered, err := loadByState(ctx, db, stateAnswered, 10)
	require.NoError(t, err)
	require.Len(t, answered, 1)
}

func TestMarkSentKeepsSettledOutcome(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	claimTestRequest(t, db, Request{ID: 1, Service: "vrf", Payload: []byte("p")})
	require.NoError(t, saveAnswer(ctx, db, 1, result.Success, []byte("r"), []byte("s"), time.Now()))

	// The sender's hook may settle the request before the worker marks it sent.
	require.NoError(t, settle(ctx, db, 1, stateFulfilled, "", time.Now()))
	require.NoError(t, markSent(ctx, db, 1, time.Now()))

	fulfilled, err := loadByState(ctx, db, stateFulfilled, 10)
	require.NoError(t, err)
	require.Len(t, fulfilled, 1)
}

func TestLoadStoredMissing(t *testing.T) {
	_, err := loadStored(context.Background(), openTestDB(t), 42)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestSenderKeyRoundTrip(t *testing.T) {
	r := &Responder{cfg: Config{Service: "oracle"}}
	for _, action := range []string{actionFulfill, actionExpire} {
		gotAction, id, err := r.parseKey(r.key(action, 77))
		require.NoError(t, err)
		require.Equal(t, action, gotAction)
		require.Equal(t, int64(77), id)
	}

	for _, bad := range []string{"vrf/fulfill/1", "oracle/fulfill/", "oracle/fulfill/x", "oracle/1", "oracle/redeliver/1"} {
		_, _, err := r.parseKey(bad)
		require.Error(t, err, bad)
	}
}

func TestRetryBackoffGrowsAndCaps(t *testing.T) {
	b := newRetryBackoff()
	now := time.Unix(0, 0)
	require.True(t, b.due(1, now))

	require.Equal(t, 100*time.Millisecond, b.failed(1, now))
	require.False(t, b.due(1, now))
	require.True(t, b.due(1, now.Add(100*time.Millisecond)))
	require.Equal(t, 200*time.Millisecond, b.failed(1, now))
	for range 20 {
		b.failed(1, now)
	}
	require.Equal(t, 30*time.Second, b.failed(1, now))

	b.forget(1)
	require.True(t, b.due(1, now))
	require.True(t, b.due(2, now), "another id is not delayed")
}
