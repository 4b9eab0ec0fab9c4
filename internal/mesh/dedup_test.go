package mesh_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

var transferRoute = mesh.Route{
	Method: "POST", Path: "/v1/transfer", Callers: []string{"vrf", "mixer"}, KeyRequired: true,
}

type transferIn struct {
	Amount int `json:"amount"`
}

type transferOut struct {
	Run int64 `json:"run"`
}

// transferHandler counts runs and returns the run number, which
// distinguishes a replayed response from a new run.
func transferHandler(runs *counter, delay time.Duration) mesh.Endpoint {
	return mesh.Handle(transferRoute, func(ctx context.Context, _ *mesh.Request, in transferIn) (transferOut, error) {
		n := runs.n.Add(1)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return transferOut{}, ctx.Err()
		}
		if in.Amount < 0 {
			return transferOut{}, mesh.NewError(http.StatusBadRequest, "negative_amount", "amount is negative")
		}
		return transferOut{Run: n}, nil
	})
}

func TestIdempotencyKeyReplaysFirstResponse(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 0)})
	c := m.client(t, "vrf")
	ctx := context.Background()

	var first, second transferOut
	require.NoError(t, c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 5}, &first,
		mesh.WithIdempotencyKey("t-1")))
	require.NoError(t, c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 5}, &second,
		mesh.WithIdempotencyKey("t-1")))

	require.Equal(t, first, second)
	require.Equal(t, int64(1), runs.load())
}

func TestIdempotencyKeyReplaysProblem(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 0)})
	c := m.client(t, "vrf")

	for range 2 {
		err := c.Call(context.Background(), "accountpool", transferRoute, transferIn{Amount: -1}, nil,
			mesh.WithIdempotencyKey("t-neg"))
		require.ErrorIs(t, err, mesh.Code("negative_amount"))
	}
	require.Equal(t, int64(1), runs.load(), "a 4xx problem is replayed, not recomputed")
}

func TestIdempotencyKeyReplayHeader(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(&counter{}, 0)})
	raw := m.rawClient(t, m.cert(t, "vrf"))
	header := jsonHeader("vrf")
	header.Set("Idempotency-Key", "t-raw")

	for _, wantReplay := range []bool{false, true} {
		req, err := http.NewRequest("POST", "https://"+m.mustAddr(t, "accountpool")+"/v1/transfer",
			http.NoBody)
		require.NoError(t, err)
		req.Header = header.Clone()
		resp, err := raw.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, wantReplay, resp.Header.Get(mesh.ReplayedHeader) == "true")
	}
}

func TestIdempotencyKeyReusedWithOtherBody(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 0)})
	c := m.client(t, "vrf")
	ctx := context.Background()
	require.NoError(t, c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 5}, nil,
		mesh.WithIdempotencyKey("t-2")))

	err := c.Call(ctx, "accountpool", transferRoute, transferIn{Amount: 6}, nil, mesh.WithIdempotencyKey("t-2"))

	require.ErrorIs(t, err, mesh.ErrIdempotencyKeyReused)
	require.Equal(t, http.StatusUnprocessableEntity, meshError(t, err).Status)
	require.Equal(t, int64(1), runs.load())
}

func TestIdempotencyKeyScopedByCaller(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 0)})
	ctx := context.Background()

	for _, caller := range []string{"vrf", "mixer"} {
		err := m.client(t, caller).Call(ctx, "accountpool", transferRoute, transferIn{Amount: 1}, nil,
			mesh.WithIdempotencyKey("same-key"))
		require.NoError(t, err)
	}
	require.Equal(t, int64(2), runs.load(), "one caller's key never replays another caller's response")
}

func TestIdempotencyConcurrentDuplicatesWait(t *testing.T) {
	runs := &counter{}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(runs, 200*time.Millisecond)})
	c := m.client(t, "vrf")

	const callers = 5
	outs := make([]transferOut, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			errs[i] = c.Call(context.Background(), "accountpool", transferRoute, transferIn{Amount: 1}, &outs[i],
				mesh.WithIdempotencyKey("t-concurrent"))
		})
	}
	wg.Wait()

	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, transferOut{Run: 1}, outs[i])
	}
	require.Equal(t, int64(1), runs.load())
}

func TestIdempotencyKeyReleasedAfterServerError(t *testing.T) {
	route := mesh.Route{Method: "POST", Path: "/v1/flaky", Callers: []string{"vrf"}}
	runs := &counter{}
	handler := func(context.Context, *mesh.Request, struct{}) (transferOut, error) {
		if runs.n.Add(1) == 1 {
			return transferOut{}, mesh.NewError(http.StatusInternalServerError, "flaky", "first run fails")
		}
		return transferOut{Run: runs.load()}, nil
	}
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(route, handler)})
	c := m.client(t, "vrf")
	ctx := context.Background()

	err := c.Call(ctx, "accountpool", route, nil, nil, mesh.WithIdempotencyKey("f-1"))
	require.ErrorIs(t, err, mesh.Code("flaky"))

	var out transferOut
	require.NoError(t, c.Call(ctx, "accountpool", route, nil, &out, mesh.WithIdempotencyKey("f-1")))
	require.Equal(t, transferOut{Run: 2}, out, "a 5xx is not stored, so the repeat runs the handler")
}

func TestIdempotencyKeyRequiredAndValid(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{transferHandler(&counter{}, 0)})
	raw := m.rawClient(t, m.cert(t, "vrf"))
	tests := []struct {
		name     string
		keys     []string
		wantCode mesh.Code
	}{
		{name: "missing", wantCode: mesh.ErrIdempotencyKeyRequired},
		{name: "empty", keys: []string{""}, wantCode: mesh.ErrIdempotencyKeyInvalid},
		{name: "space", keys: []string{"a b"}, wantCode: mesh.ErrIdempotencyKeyInvalid},
		{name: "repeated", keys: []string{"a", "b"}, wantCode: mesh.ErrIdempotencyKeyInvalid},
		{name: "too long", keys: []string{strings.Repeat("k", 256)}, wantCode: mesh.ErrIdempotencyKeyInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := jsonHeader("vrf")
			if tc.keys != nil {
				header["Idempotency-Key"] = tc.keys
			}

			status, code, _ := m.rawRequest(t, raw, "accountpool", "POST", "/v1/transfer", header, `{"amount":1}`)

			require.Equal(t, http.StatusBadRequest, status)
			require.Equal(t, tc.wantCode, code)
		})
	}
}
