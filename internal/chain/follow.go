package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
)

const (
	// minBackoff and maxBackoff bound the wait before a redial or before
	// retrying a failed step; the wait doubles after each failure in a row.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second

	defaultPollInterval = time.Second
)

// errConnLost reports that the node closed the WebSocket connection or it
// broke.
var errConnLost = errors.New("connection to node lost")

// stepFunc does one round of work against the node, such as processing all
// blocks up to the tip. A follower calls it on connect, on each new block,
// on each poll tick and, after an error, again after a backoff.
type stepFunc func(ctx context.Context, cli *rpcclient.WSClient) error

// follower keeps one WebSocket connection to a node, redials it when it
// drops and runs a step whenever a new block may have arrived.
type follower struct {
	dial Dialer
	log  *slog.Logger
	poll time.Duration

	// mu guards cli.
	mu sync.Mutex
	// cli is the live connection, nil while disconnected.
	cli *rpcclient.WSClient
}

// client returns the live connection or nil while disconnected.
func (f *follower) client() *rpcclient.WSClient {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cli
}

func (f *follower) setClient(cli *rpcclient.WSClient) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cli = cli
}

// run dials, runs sessions and redials with capped exponential backoff
// until ctx ends.
func (f *follower) run(ctx context.Context, step stepFunc) {
	delay := minBackoff
	for ctx.Err() == nil {
		cli, err := f.dial(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			f.log.Warn("node dial failed", "error", err, "retry_in", delay)
			sleep(ctx, delay)
			delay = nextBackoff(delay)
			continue
		}

		f.log.Info("node connected")
		f.setClient(cli)
		healthy, err := f.session(ctx, cli, step)
		f.setClient(nil)
		if ctx.Err() != nil {
			return
		}

		if healthy {
			delay = minBackoff
		}
		f.log.Warn("node connection lost", "error", err, "retry_in", delay)
		sleep(ctx, delay)
		delay = nextBackoff(delay)
	}
}

// session subscribes to new block headers on cli and runs step until ctx
// ends or the connection drops. It reports whether any step succeeded, so
// run can tell a flapping node from one that worked for a while.
func (f *follower) session(ctx context.Context, cli *rpcclient.WSClient, step stepFunc) (bool, error) {
	wake, drained, err := subscribeHeaders(cli)
	if err != nil {
		cli.Close()
		return false, err
	}
	// Close also closes the header channel, which ends the drain goroutine.
	defer func() {
		cli.Close()
		<-drained
	}()

	poll := time.NewTicker(f.poll)
	defer poll.Stop()

	healthy := false
	delay := minBackoff
	for ctx.Err() == nil {
		retry, err := f.runStep(ctx, cli, step, delay)
		if err != nil {
			return healthy, err
		}
		if retry == nil {
			healthy = true
			delay = minBackoff
		} else {
			delay = nextBackoff(delay)
		}

		if err := waitForWork(ctx, wake, drained, poll.C, retry); err != nil {
			return healthy, connError(cli, err)
		}
	}
	return healthy, nil
}

// runStep runs step once. It returns a timer to wait for before the next
// attempt when step failed but the connection still works, nil after
// success, and an error when the connection is gone.
func (f *follower) runStep(
	ctx context.Context,
	cli *rpcclient.WSClient,
	step stepFunc,
	delay time.Duration,
) (<-chan time.Time, error) {
	err := step(ctx, cli)
	if err == nil || ctx.Err() != nil {
		return nil, nil
	}
	if cli.GetError() != nil || errors.Is(err, rpcclient.ErrWSConnLost) {
		return nil, connError(cli, err)
	}

	f.log.Warn("chain step failed", "error", err, "retry_in", delay)
	return time.After(delay), nil
}

// waitForWork blocks until there may be something to do: a new header, a
// poll tick, or the retry timer when a step failed. It returns errConnLost
// when the header subscription ends and nil when ctx ends.
func waitForWork(
	ctx context.Context,
	wake <-chan struct{},
	drained <-chan struct{},
	poll <-chan time.Time,
	retry <-chan time.Time,
) error {
	if retry != nil {
		// Hold off new-block wake-ups too: retrying at once would defeat
		// the backoff.
		wake, poll = nil, nil
	}
	select {
	case <-ctx.Done():
		return nil
	case <-drained:
		return errConnLost
	case <-wake:
	case <-poll:
	case <-retry:
	}
	return nil
}

// subscribeHeaders subscribes to headers of added blocks. It drains them
// into wake, a one-slot channel that merges bursts, because WSClient
// stalls every reply on the connection while a subscriber channel is full.
// drained closes once the subscription channel is closed.
func subscribeHeaders(cli *rpcclient.WSClient) (<-chan struct{}, <-chan struct{}, error) {
	headers := make(chan *block.Header, 16)
	if _, err := cli.ReceiveHeadersOfAddedBlocks(nil, headers); err != nil {
		return nil, nil, fmt.Errorf("subscribe to block headers: %w", err)
	}

	wake := make(chan struct{}, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for range headers {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}()
	return wake, drained, nil
}

func connError(cli *rpcclient.WSClient, err error) error {
	if cause := cli.GetError(); cause != nil {
		return fmt.Errorf("%w: %w", errConnLost, cause)
	}
	return err
}

func nextBackoff(d time.Duration) time.Duration {
	return min(2*d, maxBackoff)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
