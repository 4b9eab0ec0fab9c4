package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/core/block"
	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
)

const (
	// filter selects the first source's price from the demo price
	// document. Both oracles support it: neo-go's JSONPath subset has
	// dot names and indexes.
	filter = "$.sources[0].price"

	// nativeResponseGAS is the GAS the native consumer attaches for the
	// response transaction, in datoshi (0.2 GAS). It pays the network fee
	// and the callback. The Oracle contract's minimum, 0.1 GAS, runs out
	// when the callback stores its record.
	nativeResponseGAS = 20_000_000

	// blockBuffer is how many received blocks may wait for processing
	// before the subscription blocks.
	blockBuffer = 1024
)

// Event names the bench watches for.
const (
	eventRequestCreated = "RequestCreated" // Gateway, one per request
	eventOurCallback    = "OracleResult"   // dev oracle consumer callback
	eventNativeCallback = "Answered"       // bench consumer callback
)

// stampedBlock is a block with the time the bench received it.
type stampedBlock struct {
	block    *block.Block
	received time.Time
}

// bench sends the requests and matches blocks to them. Only the goroutine
// that calls run uses it.
type bench struct {
	env     *environment
	n       int
	native  []*sample
	ours    []*sample
	payload []byte
	// byTx finds a request by its transaction hash, ourByID by its
	// Gateway request id.
	byTx    map[util.Uint256]*sample
	ourByID map[int64]*sample
}

func newBench(env *environment, n int) *bench {
	return &bench{
		env:     env,
		n:       n,
		byTx:    map[util.Uint256]*sample{},
		ourByID: map[int64]*sample{},
	}
}

// run sends every request, one to each oracle right after each block, and
// processes blocks until every request is answered or timeout has passed
// since the last one was sent. Unanswered requests are no error here: the
// report counts them.
func (b *bench) run(ctx context.Context, timeout time.Duration) error {
	payload, err := json.Marshal(map[string]string{"url": b.env.priceURL, "filter": filter})
	if err != nil {
		return fmt.Errorf("encode oracle payload: %w", err)
	}
	b.payload = payload
	blocks, stop, err := b.subscribe(ctx)
	if err != nil {
		return err
	}
	defer stop()

	var deadline <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			b.env.log.Warn("timed out waiting for callbacks", "timeout", timeout)
			return nil
		case sb, ok := <-blocks:
			if !ok {
				return errors.New("block subscription ended")
			}
			if err := b.process(sb); err != nil {
				return err
			}
			if len(b.native) == b.n && b.allAnswered() {
				return nil
			}
			if len(b.native) < b.n {
				if err := b.sendRound(); err != nil {
					return err
				}
				if len(b.native) == b.n {
					deadline = time.After(timeout)
				}
			}
		}
	}
}

// subscribe receives new blocks on a WebSocket client of its own and
// stamps each with the time it arrived. A full block channel then stalls
// only that client, not the one the bench calls through. stop ends the
// subscription.
func (b *bench) subscribe(ctx context.Context) (<-chan stampedBlock, func(), error) {
	sub, err := rpcclient.NewWS(ctx, b.env.stack.Info().WSURL, rpcclient.WSOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("connect block subscriber: %w", err)
	}
	if err := sub.Init(); err != nil {
		sub.Close()
		return nil, nil, fmt.Errorf("init block subscriber: %w", err)
	}
	raw := make(chan *block.Block, blockBuffer)
	if _, err := sub.ReceiveBlocks(nil, raw); err != nil {
		sub.Close()
		return nil, nil, fmt.Errorf("subscribe to blocks: %w", err)
	}

	stamped := make(chan stampedBlock, blockBuffer)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(stamped)
		for blk := range raw {
			select {
			case stamped <- stampedBlock{block: blk, received: time.Now()}:
			case <-done:
				// Drain raw until Close closes it, so the client's reader
				// never blocks on it.
				for range raw {
				}
				return
			}
		}
	}()
	stop := func() {
		close(done)
		sub.Close()
		<-finished
	}
	return stamped, stop, nil
}

// sendRound builds one request for each oracle, then sends both, the
// native one first in odd rounds. Each send time is taken right before
// its transaction is relayed.
func (b *bench) sendRound() error {
	seq := len(b.native) + 1
	native, err := b.env.user.MakeCall(b.env.nativeConsumer, "request",
		seq, b.env.priceURL, filter, nativeResponseGAS)
	if err != nil {
		return fmt.Errorf("build native request %d: %w", seq, err)
	}
	ours, err := b.env.user.MakeCall(b.env.ourConsumer, "request", b.payload)
	if err != nil {
		return fmt.Errorf("build our request %d: %w", seq, err)
	}

	nativeSample := &sample{seq: seq, tx: native.Hash(), fee: native.SystemFee + native.NetworkFee}
	ourSample := &sample{seq: seq, tx: ours.Hash(), fee: ours.SystemFee + ours.NetworkFee}
	b.native = append(b.native, nativeSample)
	b.ours = append(b.ours, ourSample)
	order := []*transaction.Transaction{native, ours}
	samples := []*sample{nativeSample, ourSample}
	if seq%2 == 0 {
		order[0], order[1] = order[1], order[0]
		samples[0], samples[1] = samples[1], samples[0]
	}
	for i, tx := range order {
		b.byTx[tx.Hash()] = samples[i]
		samples[i].sent = time.Now()
		if _, _, err := b.env.user.Send(tx); err != nil {
			return fmt.Errorf("send request %d: %w", seq, err)
		}
	}
	return nil
}

// process records the requests and callbacks that sb holds.
func (b *bench) process(sb stampedBlock) error {
	if len(sb.block.Transactions) == 0 {
		return nil
	}
	notes, err := b.env.client.GetBlockNotifications(sb.block.Hash(), nil)
	if err != nil {
		return fmt.Errorf("get notifications of block %d: %w", sb.block.Index, err)
	}
	for _, n := range notes.Application {
		if err := b.handle(n, sb); err != nil {
			return fmt.Errorf("block %d: %w", sb.block.Index, err)
		}
	}

	// A request transaction without notifications faulted.
	for _, tx := range sb.block.Transactions {
		if s := b.byTx[tx.Hash()]; s != nil && !s.requested {
			return b.faultError(s)
		}
	}
	return nil
}

// handle records one notification: the first of a request transaction
// marks the request's block, and a consumer event marks a callback.
func (b *bench) handle(n state.ContainedNotificationEvent, sb stampedBlock) error {
	if s := b.byTx[n.Container]; s != nil {
		if !s.requested {
			s.requested = true
			s.requestBlock = sb.block.Index
		}
		if n.ScriptHash == b.env.gateway && n.Name == eventRequestCreated {
			id, err := intField(n.Item, 0)
			if err != nil {
				return fmt.Errorf("%s: %w", eventRequestCreated, err)
			}
			s.id = id
			b.ourByID[id] = s
		}
	}

	switch {
	case n.ScriptHash == b.env.nativeConsumer && n.Name == eventNativeCallback:
		return b.nativeCallback(n, sb)
	case n.ScriptHash == b.env.ourConsumer && n.Name == eventOurCallback:
		return b.ourCallback(n, sb)
	}
	return nil
}

// nativeCallback records Answered(seq, code, block) of the bench consumer.
func (b *bench) nativeCallback(n state.ContainedNotificationEvent, sb stampedBlock) error {
	seq, err := intField(n.Item, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", eventNativeCallback, err)
	}
	if seq < 1 || seq > int64(len(b.native)) {
		return fmt.Errorf("%s for unknown request %d", eventNativeCallback, seq)
	}
	code, err := intField(n.Item, 1)
	if err != nil {
		return fmt.Errorf("%s: %w", eventNativeCallback, err)
	}
	recorded, err := intField(n.Item, 2)
	if err != nil {
		return fmt.Errorf("%s: %w", eventNativeCallback, err)
	}
	s := b.native[seq-1]
	s.answer(sb, code)
	s.recordedBlock = recorded
	return nil
}

// ourCallback records OracleResult(id, code, size) of the dev consumer.
func (b *bench) ourCallback(n state.ContainedNotificationEvent, sb stampedBlock) error {
	id, err := intField(n.Item, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", eventOurCallback, err)
	}
	s := b.ourByID[id]
	if s == nil {
		return fmt.Errorf("%s for unknown request %d", eventOurCallback, id)
	}
	code, err := intField(n.Item, 1)
	if err != nil {
		return fmt.Errorf("%s: %w", eventOurCallback, err)
	}
	s.answer(sb, code)
	return nil
}

// faultError returns why the request transaction of s left no
// notifications.
func (b *bench) faultError(s *sample) error {
	logs, err := b.env.client.GetApplicationLog(s.tx, nil)
	if err != nil {
		return fmt.Errorf("request %d tx %s emitted nothing; get its log: %w", s.seq, s.tx.StringLE(), err)
	}
	for _, ex := range logs.Executions {
		if ex.FaultException != "" {
			return fmt.Errorf("request %d tx %s faulted: %s", s.seq, s.tx.StringLE(), ex.FaultException)
		}
	}
	return fmt.Errorf("request %d tx %s emitted no notification", s.seq, s.tx.StringLE())
}

func (b *bench) allAnswered() bool {
	for _, list := range [][]*sample{b.native, b.ours} {
		for _, s := range list {
			if !s.answered {
				return false
			}
		}
	}
	return true
}

// intField returns field i of a notification's array as an int64.
func intField(item stackitem.Item, i int) (int64, error) {
	fields, ok := item.Value().([]stackitem.Item)
	if !ok || i >= len(fields) {
		return 0, fmt.Errorf("notification has no field %d", i)
	}
	v, err := fields[i].TryInteger()
	if err != nil || !v.IsInt64() {
		return 0, fmt.Errorf("notification field %d is not an int64", i)
	}
	return v.Int64(), nil
}
