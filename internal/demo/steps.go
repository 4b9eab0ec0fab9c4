package demo

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/internal/verify"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

const (
	// lotteryWords is the number of random words the lottery step requests.
	lotteryWords = 3
	// maxFulfilBlocks is the most blocks a fulfilment may take after the
	// request's block for a step to pass.
	maxFulfilBlocks = 2
)

// deployCheck checks that the contracts exist and that each service's
// signing key is the one registered on the Gateway.
func (t *tour) deployCheck() Step {
	started := time.Now()
	s := Step{Name: "deploy.check", Service: "gateway"}

	contracts := []struct {
		name string
		hash util.Uint160
	}{{"gateway", t.env.Gateway}, {"lottery", t.env.Lottery}}
	for _, c := range contracts {
		if _, err := t.env.Client.GetContractStateByHash(c.hash); err != nil {
			return stepError(s, started, fmt.Errorf("%s contract %s: %w", c.name, c.hash.StringLE(), err))
		}
	}
	for service, want := range t.env.ServiceKeys {
		got, err := t.gw.ServiceKey(service)
		if err != nil {
			return stepError(s, started, err)
		}
		if !got.Equal(want) {
			return stepError(s, started, fmt.Errorf("service %q: registered key %s, service signs with %s",
				service, got.StringCompressed(), want.StringCompressed()))
		}
	}

	s.OK = true
	s.TookMS = time.Since(started).Milliseconds()
	s.Detail = fmt.Sprintf("gateway %s, lottery %s, %d service keys registered",
		t.env.Gateway.StringLE(), t.env.Lottery.StringLE(), len(t.env.ServiceKeys))
	return s
}

// lotteryOutcome is the lottery step and the request id it made.
type lotteryOutcome struct {
	step Step
	id   int64
}

// lottery requests random words from the lottery contract and checks that the
// callback stored exactly the words the Gateway recorded.
func (t *tour) lottery(ctx context.Context) lotteryOutcome {
	s := Step{Name: "vrf.lottery", Service: vrf.ServiceName}
	started := time.Now()

	fl, err := t.requestAndWait(ctx, &s, lotteryWords)
	if err != nil {
		return lotteryOutcome{step: stepError(s, started, err), id: fl.id}
	}
	if fl.req.Code != result.Success {
		err := fmt.Errorf("request fulfilled with code %s: %s", fl.req.Code, fl.req.Result)
		return lotteryOutcome{step: stepError(s, started, err), id: fl.id}
	}

	parsed, err := vrf.ParseResult(fl.req.Result)
	if err != nil {
		return lotteryOutcome{step: stepError(s, started, err), id: fl.id}
	}
	stored, err := unwrap.ArrayOfBytes(t.inv.Call(t.env.Lottery, "words", fl.id))
	if err != nil {
		return lotteryOutcome{step: stepError(s, started, fmt.Errorf("read lottery words: %w", err)), id: fl.id}
	}
	if err := sameWords(parsed.Words, stored); err != nil {
		return lotteryOutcome{step: stepError(s, started, err), id: fl.id}
	}
	if err := checkLatency(s); err != nil {
		return lotteryOutcome{step: stepError(s, started, err), id: fl.id}
	}

	s.OK = true
	s.Detail = fmt.Sprintf("lottery stored %d words; first %x", len(stored), stored[0])
	return lotteryOutcome{step: s, id: fl.id}
}

// verifyStep runs the same checks as the verify command on a request.
func (t *tour) verifyStep(id int64) Step {
	started := time.Now()
	s := Step{Name: "vrf.verify", Service: vrf.ServiceName, RequestID: strconv.FormatInt(id, 10)}

	rep, err := verify.Request(t.gw, t.env.Client, t.env.Magic, id)
	if err != nil {
		return stepError(s, started, err)
	}
	s.OK = rep.OK
	s.TookMS = time.Since(started).Milliseconds()
	s.Detail = fmt.Sprintf("%d checks passed", len(rep.Checks))
	return s
}

// badRequest requests zero words, which the service must reject at once
// with PayloadInvalid instead of leaving the request pending.
func (t *tour) badRequest(ctx context.Context) Step {
	s := Step{Name: "vrf.bad_request", Service: vrf.ServiceName}
	started := time.Now()

	fl, err := t.requestAndWait(ctx, &s, 0)
	if err != nil {
		return stepError(s, started, err)
	}
	if fl.req.Code != result.PayloadInvalid {
		return stepError(s, started, fmt.Errorf("code %s, want %s", fl.req.Code, result.PayloadInvalid))
	}
	code, err := unwrap.Int64(t.inv.Call(t.env.Lottery, "code", fl.id))
	if err != nil {
		return stepError(s, started, fmt.Errorf("read lottery code: %w", err))
	}
	if result.Code(code) != result.PayloadInvalid {
		return stepError(s, started, fmt.Errorf("lottery callback got code %d, want %d", code, result.PayloadInvalid))
	}
	if err := checkLatency(s); err != nil {
		return stepError(s, started, err)
	}

	s.OK = true
	s.Detail = fmt.Sprintf("reason delivered to the callback: %s", fl.req.Result)
	return s
}

func sameWords(want, got [][]byte) error {
	if len(got) != len(want) {
		return fmt.Errorf("lottery stored %d words, gateway result has %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(want[i], got[i]) {
			return fmt.Errorf("lottery word %d differs from the gateway result", i)
		}
	}
	return nil
}

func checkLatency(s Step) error {
	if d := s.FulfilBlock - s.RequestBlock; d > maxFulfilBlocks {
		return fmt.Errorf("fulfilled %d blocks after the request, want at most %d", d, maxFulfilBlocks)
	}
	return nil
}
