package verify

import (
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// ErrMismatch is wrapped by Request's error when any check fails.
var ErrMismatch = errors.New("verification failed")

// Chain is the chain data verification needs; *rpcclient.Client
// implements GetBlockHash.
type Chain interface {
	GetBlockHash(index uint32) (util.Uint256, error)
}

// Check is one verification step and its outcome.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Report lists what was checked for one request.
type Report struct {
	RequestID int64   `json:"request_id"`
	Service   string  `json:"service"`
	Code      string  `json:"code"`
	Checks    []Check `json:"checks"`
	OK        bool    `json:"ok"`
}

// Request fetches request id from the Gateway and checks its fulfilment.
// magic is the network magic the chain reports. The report lists every
// check made; the error is non-nil when the request cannot be read or any
// check fails (then it wraps ErrMismatch).
func Request(gw *binding.Gateway, chain Chain, magic uint32, id int64) (*Report, error) {
	req, err := gw.Request(id)
	if err != nil {
		return nil, err
	}
	rep := &Report{RequestID: id, Service: req.Service, Code: req.Code.String()}

	if req.Status != binding.StatusFulfilled {
		rep.add("fulfilled", false, "status is "+req.Status.String())
		return rep, rep.err()
	}
	rep.add("fulfilled", true, fmt.Sprintf("in block %d, requested in block %d", req.FulfilledBlock, req.CreatedBlock))

	pub, err := gw.ServiceKey(req.Service)
	if err != nil {
		return nil, err
	}
	msg := result.Message(magic, gw.Hash(), id, req.Service, req.Code, req.Result)
	sigOK := result.Verify(pub, msg, req.Signature)
	rep.add("service signature", sigOK, fmt.Sprintf("key %s registered for %q", pub.StringCompressed(), req.Service))

	if req.Service == vrf.ServiceName && req.Code == result.Success {
		if err := checkVRF(rep, req, gw.Hash(), chain, magic); err != nil {
			return nil, err
		}
	}
	return rep, rep.err()
}

func checkVRF(rep *Report, req *binding.Request, gateway util.Uint160, chain Chain, magic uint32) error {
	blockHash, err := chain.GetBlockHash(req.CreatedBlock)
	if err != nil {
		return fmt.Errorf("get hash of block %d: %w", req.CreatedBlock, err)
	}
	in := vrf.AlphaInput{
		Magic:     magic,
		Gateway:   gateway,
		RequestID: req.ID,
		Requester: req.Requester,
		BlockHash: blockHash,
	}
	r, err := vrf.VerifyResult(in, req.Result)
	if err != nil {
		rep.add("vrf proof", false, err.Error())
		return nil
	}
	detail := fmt.Sprintf("ECVRF-P256-SHA256-TAI proof valid for key %x over block %s; %d words match its output",
		r.PublicKey, blockHash.StringLE(), len(r.Words))
	rep.add("vrf proof", true, detail)
	return nil
}

func (r *Report) add(name string, ok bool, detail string) {
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: detail})
}

func (r *Report) err() error {
	r.OK = true
	for _, c := range r.Checks {
		if !c.OK {
			r.OK = false
			return fmt.Errorf("request %d: %s: %w", r.RequestID, c.Name, ErrMismatch)
		}
	}
	return nil
}
