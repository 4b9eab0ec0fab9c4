package verify

import (
	"bytes"
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
	RequestID int64  `json:"request_id"`
	Service   string `json:"service"`
	// Status is the request's state on the Gateway: fulfilled, expired,
	// pending or none.
	Status string `json:"status"`
	// Code is the result code of a fulfilled request. For a request in
	// another state it names that state instead ("none, status pending"),
	// so a header printed from it never shows the zero code "success" for
	// a request that has no result.
	Code string `json:"code"`
	// FulfilledBlock is the height whose Gateway state the checks used.
	FulfilledBlock uint32 `json:"fulfilled_block,omitempty"`
	// ServiceKey is the service key in force at FulfilledBlock (hex).
	ServiceKey string `json:"service_key,omitempty"`
	// VRFPublicKey is the VRF public key registered on the Gateway at
	// FulfilledBlock (hex), for VRF results.
	VRFPublicKey string  `json:"vrf_public_key,omitempty"`
	Checks       []Check `json:"checks"`
	OK           bool    `json:"ok"`
}

// Request fetches request id from the Gateway and checks its fulfilment
// against the Gateway state in force at its fulfilment height. It checks
// the service signature against the service key then in force. For VRF
// results it also checks that the result's VRF public key is the one then
// published as serviceData("vrf", "vrf_public_key"), and checks the ECVRF
// proof and the words. magic is the network magic the chain reports. The
// report lists every check made. The error is non-nil when the chain cannot
// be read or any check fails (then it wraps ErrMismatch).
func Request(gw *binding.Gateway, chain Chain, magic uint32, id int64) (*Report, error) {
	req, err := gw.Request(id)
	if err != nil {
		return nil, err
	}
	rep := &Report{RequestID: id, Service: req.Service, Status: req.Status.String(), Code: codeText(req)}

	if req.Status != binding.StatusFulfilled {
		rep.add("fulfilled", false, "status is "+req.Status.String())
		return rep, rep.err()
	}
	rep.FulfilledBlock = req.FulfilledBlock
	rep.add("fulfilled", true, fmt.Sprintf("in block %d, requested in block %d", req.FulfilledBlock, req.CreatedBlock))

	if err := checkSignature(rep, req, gw, magic); err != nil {
		return nil, err
	}
	if req.Service == vrf.ServiceName && req.Code == result.Success {
		if err := checkVRFKey(rep, req, gw); err != nil {
			return nil, err
		}
		if err := checkVRFProof(rep, req, gw.Hash(), chain, magic); err != nil {
			return nil, err
		}
	}
	return rep, rep.err()
}

// codeText returns the Report.Code of req.
func codeText(req *binding.Request) string {
	switch req.Status {
	case binding.StatusFulfilled:
		return req.Code.String()
	case binding.StatusExpired:
		return req.Code.String() + ", status expired"
	default:
		return "none, status " + req.Status.String()
	}
}

// checkSignature checks the signature over the canonical message against
// the service key the Gateway accepted in the fulfilment block.
func checkSignature(rep *Report, req *binding.Request, gw *binding.Gateway, magic uint32) error {
	const name = "service signature"
	key, err := gw.ServiceKeyAt(req.Service, req.FulfilledBlock)
	if errors.Is(err, binding.ErrNoServiceKey) {
		rep.add(name, false, fmt.Sprintf("no key of %q was in force at block %d", req.Service, req.FulfilledBlock))
		return nil
	}
	if err != nil {
		return err
	}

	rep.ServiceKey = key.Key.StringCompressed()
	msg := result.Message(magic, gw.Hash(), req.ID, req.Service, req.Code, req.Result)
	ok := result.Verify(key.Key, msg, req.Signature)
	detail := fmt.Sprintf("key %s of %q in force at block %d (since block %d, attestation hash %x)",
		rep.ServiceKey, req.Service, req.FulfilledBlock, key.Since, key.AttestationHash)
	rep.add(name, ok, detail)
	return nil
}

// checkVRFKey checks that the result's VRF public key is the one the
// Gateway published for the VRF service in the fulfilment block. Without
// this check, whoever holds the service key could try fresh VRF keys until
// one gives the output they want.
func checkVRFKey(rep *Report, req *binding.Request, gw *binding.Gateway) error {
	const name = "vrf key"
	registered, err := gw.ServiceDataAt(vrf.ServiceName, binding.DataVRFPublicKey, req.FulfilledBlock)
	if err != nil {
		return err
	}
	if len(registered) == 0 {
		rep.add(name, false, fmt.Sprintf("no VRF public key registered on the Gateway at block %d (serviceData(%q, %q))",
			req.FulfilledBlock, vrf.ServiceName, binding.DataVRFPublicKey))
		return nil
	}
	rep.VRFPublicKey = fmt.Sprintf("%x", registered)

	r, err := vrf.ParseResult(req.Result)
	if err != nil {
		rep.add(name, false, err.Error())
		return nil
	}
	if !bytes.Equal(r.PublicKey, registered) {
		rep.add(name, false, fmt.Sprintf("result carries VRF key %x, but the key registered at block %d is %x",
			r.PublicKey, req.FulfilledBlock, registered))
		return nil
	}
	rep.add(name, true, fmt.Sprintf("result's VRF key %x is the one registered at block %d", registered, req.FulfilledBlock))
	return nil
}

// checkVRFProof checks the ECVRF proof over the request's VRF input and
// the words derived from its output.
func checkVRFProof(rep *Report, req *binding.Request, gateway util.Uint160, chain Chain, magic uint32) error {
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
