package binding

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
)

// Status is the state of a Gateway request as the contract stores it.
type Status int

// Request states, matching the Gateway contract's status(id).
const (
	StatusNone      Status = 0
	StatusPending   Status = 1
	StatusFulfilled Status = 2
	StatusExpired   Status = 3
)

// String returns the lower-case name of the status.
func (s Status) String() string {
	switch s {
	case StatusNone:
		return "none"
	case StatusPending:
		return "pending"
	case StatusFulfilled:
		return "fulfilled"
	case StatusExpired:
		return "expired"
	default:
		return fmt.Sprintf("status(%d)", int(s))
	}
}

// ErrNoRequest is returned when the Gateway has no request with the given id.
var ErrNoRequest = errors.New("request not found")

// Invoker runs read-only contract calls; *invoker.Invoker and
// *actor.Actor implement it.
type Invoker interface {
	Call(contract util.Uint160, operation string, params ...any) (*result.Invoke, error)
}

// TxMaker builds signed transactions; *actor.Actor implements it.
type TxMaker interface {
	MakeCall(contract util.Uint160, method string, params ...any) (*transaction.Transaction, error)
}

// Gateway calls one deployed Gateway contract.
type Gateway struct {
	inv  Invoker
	hash util.Uint160
}

// NewGateway returns a Gateway client for the contract at hash.
func NewGateway(inv Invoker, hash util.Uint160) *Gateway {
	return &Gateway{inv: inv, hash: hash}
}

// Hash returns the contract hash.
func (g *Gateway) Hash() util.Uint160 {
	return g.hash
}

// Request reads the stored request with the given id. It returns
// ErrNoRequest when the contract has none.
func (g *Gateway) Request(id int64) (*Request, error) {
	item, err := unwrap.Item(g.inv.Call(g.hash, "getRequest", id))
	if err != nil {
		return nil, fmt.Errorf("call getRequest %d: %w", id, err)
	}
	if _, ok := item.(stackitem.Null); ok {
		return nil, fmt.Errorf("request %d: %w", id, ErrNoRequest)
	}
	req, err := decodeRequest(item)
	if err != nil {
		return nil, fmt.Errorf("decode request %d: %w", id, err)
	}
	req.ID = id
	return req, nil
}

// Status reads the state of request id.
func (g *Gateway) Status(id int64) (Status, error) {
	n, err := unwrap.Int64(g.inv.Call(g.hash, "status", id))
	if err != nil {
		return 0, fmt.Errorf("call status %d: %w", id, err)
	}
	return Status(n), nil
}

// ServiceKey reads the key of service that the Gateway accepts for a fulfil
// now. A newly registered key is in force from the block after the one that
// registered it.
func (g *Gateway) ServiceKey(service string) (*keys.PublicKey, error) {
	pub, err := unwrap.PublicKey(g.inv.Call(g.hash, "serviceKey", service))
	if err != nil {
		return nil, fmt.Errorf("call serviceKey %q: %w", service, err)
	}
	return pub, nil
}

// RegisterServiceKeyTx builds the owner-only registerServiceKey transaction.
// The key is in force from the block after the one that includes the
// transaction, and earlier keys stay readable with ServiceKeyAt.
func (g *Gateway) RegisterServiceKeyTx(m TxMaker, service string, pub *keys.PublicKey, attestationHash []byte) (*transaction.Transaction, error) {
	tx, err := m.MakeCall(g.hash, "registerServiceKey", service, pub.Bytes(), attestationHash)
	if err != nil {
		return nil, fmt.Errorf("make registerServiceKey %q: %w", service, err)
	}
	return tx, nil
}

// ExpireTx builds a signed expire transaction for request id. Expire stores
// code Expired without calling the consumer back; RedeliverTx delivers it.
func (g *Gateway) ExpireTx(m TxMaker, id int64) (*transaction.Transaction, error) {
	tx, err := m.MakeCall(g.hash, "expire", id)
	if err != nil {
		return nil, fmt.Errorf("make expire %d: %w", id, err)
	}
	return tx, nil
}

// RedeliverTx builds a redeliver transaction for request id, which calls
// the consumer's callback with the stored code and result. After expire it
// is the only way the consumer learns of the expiry.
func (g *Gateway) RedeliverTx(m TxMaker, id int64) (*transaction.Transaction, error) {
	tx, err := m.MakeCall(g.hash, "redeliver", id)
	if err != nil {
		return nil, fmt.Errorf("make redeliver %d: %w", id, err)
	}
	return tx, nil
}

// ParseHash160 parses a contract hash as Neo tools print it: little-endian
// hex, with or without a "0x" prefix.
func ParseHash160(s string) (util.Uint160, error) {
	trimmed := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	h, err := util.Uint160DecodeStringLE(trimmed)
	if err != nil {
		return util.Uint160{}, fmt.Errorf("invalid script hash %q: want 40 hex digits, optionally 0x-prefixed: %w", s, err)
	}
	return h, nil
}
