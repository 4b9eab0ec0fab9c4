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

	pending, err := loadDue(context.Background(), db, statePending, time.Now(), 10)
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

	answered, err := loadDue(ctx, db, stateAnswered, time.Now(), 10)
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

	fulfilled, err := loadDue(ctx, db, stateFulfilled, time.Now(), 10)
	require.NoError(t, err)
	require.Len(t, fulfilled, 1)
}

func TestLoadStoredMissing(t *testing.T) {
	_, err := loadStored(context.Background(), openTestDB(t), 42)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestSenderKeyRoundTrip(t *testing.T) {
	r := &Responder{cfg: Config{Service: "oracle"}}
	for _, action := range []string{actionFulfill, actionExpire, actionRedeliver} {
		gotAction, id, err := r.parseKey(r.key(action, 77))
		require.NoError(t, err)
		require.Equal(t, action, gotAction)
		require.Equal(t, int64(77), id)
	}

	for _, bad := range []string{"vrf/fulfill/1", "oracle/fulfill/", "oracle/fulfill/x", "oracle/1", "oracle/cancel/1"} {
		_, _, err := r.parseKey(bad)
		require.Error(t, err, bad)
	}
}

func TestRetryDelayGrowsAndCaps(t *testing.T) {
	require.Equal(t, 100*time.Millisecond, retryDelay(1))
	require.Equal(t, 200*time.Millisecond, retryDelay(2))
	require.Equal(t, maxRetryDelay, retryDelay(15))
	require.Equal(t, maxRetryDelay, retryDelay(1000))
}

func TestDeferredRequestsDoNotStarveOthers(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	now := time.Now()
	for id := int64(1); id <= 5; id++ {
		claimTestRequest(t, db, Request{ID: id, Service: "vrf", Payload: []byte("p")})
	}
	// Requests 1-3 keep failing: they wait, and a batch of 2 must reach 4 and 5.
	for id := int64(1); id <= 3; id++ {
		require.NoError(t, deferRetry(ctx, db, id, 1, now.Add(time.Minute), "failed", now))
	}

	due, err := loadDue(ctx, db, statePending, now, 2)
	require.NoError(t, err)
	require.Len(t, due, 2)
	require.Equal(t, int64(4), due[0].ID)
	require.Equal(t, int64(5), due[1].ID)

	later, err := loadDue(ctx, db, statePending, now.Add(2*time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, later, 5)
	require.Equal(t, 1, later[len(later)-1].Attempts, "a deferred request keeps its attempt count")
}

func TestReplaceAnswerOnlyWhileAnswered(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	claimTestRequest(t, db, Request{ID: 1, Service: "vrf", Payload: []byte("p")})
	require.NoError(t, saveAnswer(ctx, db, 1, result.Success, []byte("big"), []byte("s1"), time.Now()))

	require.NoError(t, replaceAnswer(ctx, db, 1, result.Error, []byte("too expensive"), []byte("s2"), time.Now()))
	s, err := loadStored(ctx, db, 1)
	require.NoError(t, err)
	require.Equal(t, result.Error, s.Code)
	require.Equal(t, []byte("too expensive"), s.Result)

	// Once sent, the answer is what went on chain and must not change.
	require.NoError(t, markSent(ctx, db, 1, time.Now()))
	require.NoError(t, replaceAnswer(ctx, db, 1, result.Success, []byte("other"), []byte("s3"), time.Now()))
	s, err = loadStored(ctx, db, 1)
	require.NoError(t, err)
	require.Equal(t, []byte("too expensive"), s.Result)
}

func TestCheckFee(t *testing.T) {
	require.NoError(t, checkFee(10, 10))
	require.NoError(t, checkFee(10, 0), "zero cap means no cap")
	err := checkFee(11, 10)
	require.ErrorIs(t, err, ErrTooExpensive)
	var capErr *FeeCapError
	require.ErrorAs(t, err, &capErr)
	require.Equal(t, int64(10), capErr.Cap)
	require.Equal(t, int64(11), capErr.Fee)
}
