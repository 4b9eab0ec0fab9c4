//go:build integration

package chain_test

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/chain"
)

// pingsTable has no unique key, so an event committed twice shows up as a
// repeated row.
const pingsTable = `CREATE TABLE pings (
    seq     BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    idx     BIGINT NOT NULL
)`

// recordPing stores a Ping event.
func recordPing(ctx context.Context, tx *sql.Tx, ev chain.Event) error {
	seq, err := ev.Params[0].TryInteger()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO pings (seq, tx_hash, idx) VALUES ($1, $2, $3)",
		seq.Int64(), ev.TxHash.StringLE(), ev.Index)
	return err
}

func (e *env) listener(t *testing.T, dial chain.Dialer, handle chain.Handler) *chain.Listener {
	t.Helper()
	l, err := chain.NewListener(chain.ListenerConfig{
		Dial:     dial,
		DB:       e.db,
		Contract: e.emitter,
		Events:   []string{"Ping"},
		Cursor:   "test/emitter",
		Handle:   handle,
		Log:      e.log,
	})
	require.NoError(t, err)
	return l
}

func (e *env) pingCount(t *testing.T) int {
	t.Helper()
	var n int
	err := e.db.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM pings").Scan(&n)
	require.NoError(t, err)
	return n
}

// emit sends one Emit(first, count) transaction and returns its
// valid-until block.
func (e *env) emit(t *testing.T, first, count int) uint32 {
	t.Helper()
	_, vub, err := e.net.Committee().SendCall(e.emitter, "emit", first, count)
	require.NoError(t, err)
	return vub
}

func (e *env) waitPings(t *testing.T, want int) {
	t.Helper()
	require.Eventually(t, func() bool { return e.pingCount(t) >= want }, 20*time.Second, 10*time.Millisecond,
		"pings handled: got %d, want %d", e.pingCount(t), want)
}

// checkPings verifies that pings 0..n-1 were each recorded once, with the
// index they have among the contract's notifications in their transaction.
func (e *env) checkPings(t *testing.T, n, perTx int) {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(context.Background(), "SELECT seq, idx FROM pings ORDER BY seq")
	require.NoError(t, err)
	defer rows.Close()

	var seqs []int
	for rows.Next() {
		var seq, idx int
		require.NoError(t, rows.Scan(&seq, &idx))
		require.Equal(t, seq%perTx, idx, "index of ping %d", seq)
		seqs = append(seqs, seq)
	}
	require.NoError(t, rows.Err())

	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	require.Equal(t, want, seqs)
}

func TestListenerEveryEventOnceAcrossRestart(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.SQL().ExecContext(context.Background(), pingsTable)
	require.NoError(t, err)
	const txs, perTx = 10, 3

	stop := run(t, e.listener(t, e.dial(), recordPing))
	for i := range txs / 2 {
		e.emit(t, i*perTx, perTx)
	}
	e.waitPings(t, perTx)
	stop()

	// These land while no listener runs and are back-filled on restart.
	var lastVUB uint32
	for i := txs / 2; i < txs; i++ {
		lastVUB = e.emit(t, i*perTx, perTx)
	}
	require.Eventually(t, func() bool { return e.net.Height() >= lastVUB }, 10*time.Second, blockTime/4)

	run(t, e.listener(t, e.dial(), recordPing))
	e.waitPings(t, txs*perTx)
	time.Sleep(3 * blockTime) // room for a duplicate to show up
	e.checkPings(t, txs*perTx, perTx)
}

// proxy forwards TCP connections to target and can cut them all, as a
// network failure or node restart would.
type proxy struct {
	ln     net.Listener
	target string

	// mu guards conns.
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
	})
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
		go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func TestListenerRecoversFromDroppedConnection(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.SQL().ExecContext(context.Background(), pingsTable)
	require.NoError(t, err)

	u, err := url.Parse(e.net.WSURL())
	require.NoError(t, err)
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	dial := chain.DialWS(u.String(), rpcclient.WSOptions{})

	run(t, e.listener(t, dial, recordPing))
	e.emit(t, 0, 2)
	e.waitPings(t, 2)

	p.cut()
	e.emit(t, 2, 2)
	e.emit(t, 4, 2)
	e.waitPings(t, 6)
	e.checkPings(t, 6, 2)
}

// headerClock records when each block header reaches a separate WebSocket
// client: the moment the node announces the block as accepted.
type headerClock struct {
	mu   sync.Mutex
	seen map[uint32]time.Time
	ts   map[uint32]time.Time
}

func startHeaderClock(t *testing.T, wsURL string) *headerClock {
	t.Helper()
	cli, err := chain.DialWS(wsURL, rpcclient.WSOptions{})(context.Background())
	require.NoError(t, err)
	t.Cleanup(cli.Close)

	hc := &headerClock{seen: map[uint32]time.Time{}, ts: map[uint32]time.Time{}}
	ch := make(chan *block.Header, 64)
	_, err = cli.ReceiveHeadersOfAddedBlocks(nil, ch)
	require.NoError(t, err)
	go func() {
		for h := range ch {
			now := time.Now()
			hc.mu.Lock()
			hc.seen[h.Index] = now
			hc.ts[h.Index] = time.UnixMilli(int64(h.Timestamp))
			hc.mu.Unlock()
		}
	}()
	return hc
}

func (hc *headerClock) at(index uint32) (seen, stamped time.Time, ok bool) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	seen, ok = hc.seen[index]
	return seen, hc.ts[index], ok
}

func TestListenerLatency(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.SQL().ExecContext(context.Background(), pingsTable)
	require.NoError(t, err)
	clock := startHeaderClock(t, e.net.WSURL())

	type handled struct {
		block uint32
		at    time.Time
	}
	got := make(chan handled, 64)
	run(t, e.listener(t, e.dial(), func(ctx context.Context, tx *sql.Tx, ev chain.Event) error {
		got <- handled{block: ev.BlockIndex, at: time.Now()}
		return recordPing(ctx, tx, ev)
	}))

	const rounds = 20
	var sinceHeader, sinceStamp []time.Duration
	for i := range rounds {
		e.emit(t, i, 1)
		var h handled
		select {
		case h = <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("ping %d not handled within 10s", i)
		}
		seen, stamped, ok := clock.at(h.block)
		if !ok {
			// The handler ran before the other client got the header.
			require.Eventually(t, func() bool { _, _, ok = clock.at(h.block); return ok }, time.Second, time.Millisecond)
			seen, stamped, _ = clock.at(h.block)
		}
		sinceHeader = append(sinceHeader, h.at.Sub(seen))
		sinceStamp = append(sinceStamp, h.at.Sub(stamped))
	}

	slices.Sort(sinceHeader)
	slices.Sort(sinceStamp)
	t.Logf("block header seen by another client -> handler: min %s p50 %s p90 %s max %s",
		sinceHeader[0], sinceHeader[rounds/2], sinceHeader[rounds*9/10], sinceHeader[rounds-1])
	t.Logf("block timestamp -> handler: min %s p50 %s p90 %s max %s",
		sinceStamp[0], sinceStamp[rounds/2], sinceStamp[rounds*9/10], sinceStamp[rounds-1])
	// A loose bound that only a polling fallback or a stall would break.
	require.Less(t, sinceHeader[rounds/2], blockTime, "median latency")
}
