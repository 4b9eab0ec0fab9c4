//go:build integration

package integration

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
)

// TestTwoVRFReplicasOnePostgres runs two VRF processes on one PostgreSQL
// schema, sends 200 requests and SIGKILLs the first replica, the listener's
// leader, halfway. The other takes the listener's advisory lock over; and
// since the cursor moves only by compare-and-set and fulfilments go out
// under one key per request, every request must be fulfilled exactly once.
func TestTwoVRFReplicasOnePostgres(t *testing.T) {
	dsn := os.Getenv("SL_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("SL_TEST_POSTGRES_DSN is not set: run scripts/test, which starts PostgreSQL")
	}
	const blockTime = 200 * time.Millisecond
	dir := t.TempDir()
	startProcess(t, dir, "chain", "chain", "--data-dir", dir, "--block-time", blockTime.String())
	info := waitInfo(t, dir)

	serveArgs := []string{"--data-dir", dir, "--postgres-dsn", dsn, "--postgres-schema-prefix", postgresSchemaPrefix(t, dsn)}
	startProcess(t, dir, "serve-accountpool", append([]string{"serve", "accountpool"}, serveArgs...)...)
	waitLogLine(t, dir+"/serve-accountpool.log", "services started")
	first := startProcess(t, dir, "serve-vrf-1", append([]string{"serve", "vrf"}, serveArgs...)...)
	startProcess(t, dir, "serve-vrf-2", append([]string{"serve", "vrf"}, serveArgs...)...)
	waitLogLine(t, dir+"/serve-vrf-1.log", "services started")
	waitLogLine(t, dir+"/serve-vrf-2.log", "services started")

	client := connectWS(t, info.WSURL)
	act, err := actor.NewSimple(client, devAccount(t, dir, info.UserAccount))
	require.NoError(t, err)
	lottery := hashOf(t, info.Lottery)
	gateway := hashOf(t, info.Gateway)

	var sent []util.Uint256
	var killedAt time.Time
	for i := range 200 {
		h, _, err := act.SendTunedCall(lottery, "requestRandom", nil, addFeeMargin, int64(1+i%3))
		require.NoError(t, err)
		sent = append(sent, h)
		if i == 99 {
			waitIncluded(t, client, sent...)
			require.NoError(t, first.Process.Kill())
			killedAt = time.Now()
		}
	}
	waitIncluded(t, client, sent...)
	for _, h := range sent {
		aer, err := client.GetApplicationLog(h, nil)
		require.NoError(t, err)
		require.Equal(t, "HALT", aer.Executions[0].VMState.String(), "request tx %s: %s", h.StringLE(), aer.Executions[0].FaultException)
	}

	created := waitAllFulfilled(t, client, gateway)
	took := time.Since(killedAt)
	require.Len(t, created, 200)
	fulfilled := countEvents(t, client, gateway, binding.EventRequestFulfilled)
	for id := range created {
		require.Equal(t, 1, fulfilled[id], "request %d fulfilled %d times", id, fulfilled[id])
	}
	survivor, err := os.ReadFile(dir + "/serve-vrf-2.log")
	require.NoError(t, err)
	require.Contains(t, string(survivor), "request fulfilled", "the surviving replica fulfilled nothing")
	led := lineWith(string(survivor), "listener leadership taken")
	require.NotEmpty(t, led, "the surviving replica never led the listener")
	if at, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(strings.Fields(led)[0], "time=")); err == nil && at.After(killedAt) {
		t.Logf("listener leadership taken over %s after the leader was killed", at.Sub(killedAt).Round(time.Millisecond))
	}
	t.Logf("200 requests fulfilled exactly once; the last 100 within %s of killing one replica", took.Round(time.Millisecond))
}

// addFeeMargin adds 0.01 GAS to a transaction's system fee. A burst of
// requests is estimated against the state before any of them runs, and
// request ids past 127 take one more byte of storage than estimated.
func addFeeMargin(r *result.Invoke, tx *transaction.Transaction) error {
	if err := actor.DefaultCheckerModifier(r, tx); err != nil {
		return err
	}
	tx.SystemFee += 1_000_000
	return nil
}
