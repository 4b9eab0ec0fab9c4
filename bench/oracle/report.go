package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/result"
)

// pacing describes how the bench sends requests, for the report.
const pacing = "one request to each oracle right after each block, alternating which goes first"

// sample is one request and, once seen, its callback.
type sample struct {
	seq int
	tx  util.Uint256
	// sent is taken right before the request transaction is relayed.
	sent time.Time
	// fee is the request transaction's system and network fee in datoshi,
	// which the sender pays in full.
	fee int64

	requested    bool
	requestBlock uint32
	// id is the Gateway request id, for our oracle only.
	id int64

	answered      bool
	callbackBlock uint32
	// seen is when the block holding the callback arrived.
	seen time.Time
	code int64
	// recordedBlock is the block the native consumer stored, which must
	// equal callbackBlock.
	recordedBlock int64
	result        string
}

func (s *sample) answer(sb stampedBlock, code int64) {
	s.answered = true
	s.callbackBlock = sb.block.Index
	s.seen = sb.received
	s.code = code
}

// report is the JSON object the command prints.
type report struct {
	BlockTimeMS int64        `json:"block_time_ms"`
	Requests    int          `json:"requests_per_oracle"`
	Pacing      string       `json:"pacing"`
	URL         string       `json:"url"`
	Filter      string       `json:"filter"`
	Native      oracleReport `json:"native"`
	Ours        oracleReport `json:"ours"`
}

// oracleReport summarises the requests sent to one oracle.
type oracleReport struct {
	Count      int `json:"count"`
	Answered   int `json:"answered"`
	Unanswered int `json:"unanswered"`
	// Failed counts callbacks with a code other than success.
	Failed int `json:"failed"`
	// Results counts the distinct results the consumer stored.
	Results map[string]int `json:"results"`
	// Blocks is callback block minus request block.
	Blocks distribution `json:"blocks"`
	// BlocksHistogram counts answered requests by Blocks.
	BlocksHistogram map[string]int `json:"blocks_histogram"`
	// MS is milliseconds from sending the request to receiving the block
	// that holds the callback.
	MS distribution `json:"ms"`
	// RequestFeeGAS is the median fee of a request transaction, in GAS,
	// which the requester pays. It does not include the fee of our
	// oracle's fulfilment, which the service's accounts pay.
	RequestFeeGAS float64 `json:"request_fee_gas"`
	// Problems lists inconsistencies between events and stored records.
	Problems []string `json:"problems,omitempty"`
}

// distribution holds order statistics (nearest rank) of answered requests.
type distribution struct {
	Min int64 `json:"min"`
	P50 int64 `json:"p50"`
	P90 int64 `json:"p90"`
	Max int64 `json:"max"`
}

// report reads what each consumer stored for the answered requests and
// summarises both oracles.
func (b *bench) report(ctx context.Context) (*report, error) {
	inv := invoker.New(b.env.client, nil)
	if err := b.readNative(inv); err != nil {
		return nil, err
	}
	if err := b.readOurs(inv); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	native := summarise(b.native)
	for _, s := range b.native {
		if s.answered && s.recordedBlock != int64(s.callbackBlock) {
			native.Problems = append(native.Problems, fmt.Sprintf(
				"request %d: consumer recorded block %d, callback ran in block %d", s.seq, s.recordedBlock, s.callbackBlock))
		}
	}
	return &report{
		BlockTimeMS: b.env.blockTime.Milliseconds(),
		Requests:    b.n,
		Pacing:      pacing,
		URL:         b.env.priceURL,
		Filter:      filter,
		Native:      native,
		Ours:        summarise(b.ours),
	}, nil
}

// readNative reads [url, code, result, block] from the bench consumer
// for every answered native request and checks the code.
func (b *bench) readNative(inv *invoker.Invoker) error {
	for _, s := range b.native {
		if !s.answered {
			continue
		}
		fields, err := unwrap.Array(inv.Call(b.env.nativeConsumer, "record", s.seq))
		if err != nil {
			return fmt.Errorf("read native record %d: %w", s.seq, err)
		}
		if len(fields) != 4 {
			return fmt.Errorf("native record %d has %d fields, want 4", s.seq, len(fields))
		}
		code, err := fields[1].TryInteger()
		if err != nil || code.Int64() != s.code {
			return fmt.Errorf("native record %d: stored code %v, event code %d", s.seq, fields[1].Value(), s.code)
		}
		res, err := fields[2].TryBytes()
		if err != nil {
			return fmt.Errorf("native record %d result: %w", s.seq, err)
		}
		s.result = string(res)
	}
	return nil
}

// readOurs reads code and result from the dev oracle consumer for every
// answered request to our oracle and checks the code.
func (b *bench) readOurs(inv *invoker.Invoker) error {
	for _, s := range b.ours {
		if !s.answered {
			continue
		}
		code, err := unwrap.Int64(inv.Call(b.env.ourConsumer, "code", s.id))
		if err != nil {
			return fmt.Errorf("read our code %d: %w", s.id, err)
		}
		if code != s.code {
			return fmt.Errorf("our request %d: stored code %d, event code %d", s.id, code, s.code)
		}
		res, err := unwrap.Bytes(inv.Call(b.env.ourConsumer, "result", s.id))
		if err != nil {
			return fmt.Errorf("read our result %d: %w", s.id, err)
		}
		s.result = string(res)
	}
	return nil
}

func summarise(samples []*sample) oracleReport {
	r := oracleReport{Count: len(samples), Results: map[string]int{}, BlocksHistogram: map[string]int{}}
	var blocks, ms, fees []int64
	for _, s := range samples {
		fees = append(fees, s.fee)
		if !s.answered {
			r.Unanswered++
			continue
		}
		r.Answered++
		if result.Code(s.code) != result.Success {
			r.Failed++
		}
		r.Results[s.result]++
		d := int64(s.callbackBlock) - int64(s.requestBlock)
		blocks = append(blocks, d)
		r.BlocksHistogram[strconv.FormatInt(d, 10)]++
		ms = append(ms, s.seen.Sub(s.sent).Milliseconds())
	}
	r.Blocks = distributionOf(blocks)
	r.MS = distributionOf(ms)
	if len(fees) > 0 {
		slices.Sort(fees)
		r.RequestFeeGAS = float64(nearestRank(fees, 50)) / 1e8
	}
	return r
}

func distributionOf(values []int64) distribution {
	if len(values) == 0 {
		return distribution{}
	}
	slices.Sort(values)
	return distribution{
		Min: values[0],
		P50: nearestRank(values, 50),
		P90: nearestRank(values, 90),
		Max: values[len(values)-1],
	}
}

// nearestRank returns the p-th percentile of sorted values by the
// nearest-rank method.
func nearestRank(sorted []int64, p float64) int64 {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

// problems lists what makes the run incomplete.
func (r *report) problems() []string {
	var out []string
	for _, o := range []struct {
		name string
		r    oracleReport
	}{{"native", r.Native}, {"ours", r.Ours}} {
		if o.r.Unanswered > 0 {
			out = append(out, fmt.Sprintf("%s: %d of %d requests unanswered", o.name, o.r.Unanswered, o.r.Count))
		}
		if o.r.Failed > 0 {
			out = append(out, fmt.Sprintf("%s: %d callbacks with an error code", o.name, o.r.Failed))
		}
		for _, p := range o.r.Problems {
			out = append(out, o.name+": "+p)
		}
	}
	return out
}
