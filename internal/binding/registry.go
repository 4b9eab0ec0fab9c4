package binding

import (
	"crypto/elliptic"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
)

// DataVRFPublicKey is the service data name under which the VRF service's
// 33-byte compressed ECVRF public key is published:
// serviceData("vrf", DataVRFPublicKey).
const DataVRFPublicKey = "vrf_public_key"

// ErrNoServiceKey is returned by ServiceKeyAt when no key of the service
// was in force at the given height.
var ErrNoServiceKey = errors.New("no service key in force")

// ServiceKeyEntry is one registered service key, as serviceKeyAt returns
// it.
type ServiceKeyEntry struct {
	Key             *keys.PublicKey
	AttestationHash []byte
	// Since is the first block height at which the key is in force: the
	// block after the one whose transaction registered it.
	Since uint32
}

// ServiceKeyAt reads the key of service in force at block height, which is
// the key the Gateway checked a fulfil in that block against. It returns
// ErrNoServiceKey when no key was in force then.
func (g *Gateway) ServiceKeyAt(service string, height uint32) (ServiceKeyEntry, error) {
	item, err := unwrap.Item(g.inv.Call(g.hash, "serviceKeyAt", service, int64(height)))
	if err != nil {
		return ServiceKeyEntry{}, fmt.Errorf("call serviceKeyAt %q %d: %w", service, height, err)
	}
	if _, ok := item.(stackitem.Null); ok {
		return ServiceKeyEntry{}, fmt.Errorf("service %q at height %d: %w", service, height, ErrNoServiceKey)
	}
	entry, err := decodeServiceKeyEntry(item)
	if err != nil {
		return ServiceKeyEntry{}, fmt.Errorf("decode serviceKeyAt %q %d: %w", service, height, err)
	}
	return entry, nil
}

// ServiceData reads the named datum of service in force now. It returns
// nil when the datum was never set or was withdrawn with an empty value.
func (g *Gateway) ServiceData(service, name string) ([]byte, error) {
	value, err := nullableBytes(unwrap.Item(g.inv.Call(g.hash, "serviceData", service, name)))
	if err != nil {
		return nil, fmt.Errorf("call serviceData %q %q: %w", service, name, err)
	}
	return value, nil
}

// ServiceDataAt reads the named datum of service in force at block height.
// It returns nil when none was set by then or it was withdrawn.
func (g *Gateway) ServiceDataAt(service, name string, height uint32) ([]byte, error) {
	value, err := nullableBytes(unwrap.Item(g.inv.Call(g.hash, "serviceDataAt", service, name, int64(height))))
	if err != nil {
		return nil, fmt.Errorf("call serviceDataAt %q %q %d: %w", service, name, height, err)
	}
	return value, nil
}

// SetServiceDataTx builds the owner-only setServiceData transaction. The
// value is in force from the block after the one that includes the
// transaction. An empty value withdraws the datum.
func (g *Gateway) SetServiceDataTx(m TxMaker, service, name string, value []byte) (*transaction.Transaction, error) {
	tx, err := m.MakeCall(g.hash, "setServiceData", service, name, value)
	if err != nil {
		return nil, fmt.Errorf("make setServiceData %q %q: %w", service, name, err)
	}
	return tx, nil
}

// serviceKeyEntryFields is the length of the serviceKeyAt array: pubkey,
// attestationHash, since.
const serviceKeyEntryFields = 3

func decodeServiceKeyEntry(item stackitem.Item) (ServiceKeyEntry, error) {
	arr, ok := item.Value().([]stackitem.Item)
	if !ok {
		return ServiceKeyEntry{}, fmt.Errorf("got %s, want an array", item.Type())
	}
	if len(arr) != serviceKeyEntryFields {
		return ServiceKeyEntry{}, fmt.Errorf("got %d fields, want %d", len(arr), serviceKeyEntryFields)
	}

	d := decoder{arr: arr}
	raw := d.bytes(0, "pubkey")
	entry := ServiceKeyEntry{
		AttestationHash: d.bytes(1, "attestationHash"),
		Since:           d.height(2, "since"),
	}
	if d.err != nil {
		return ServiceKeyEntry{}, d.err
	}
	pub, err := keys.NewPublicKeyFromBytes(raw, elliptic.P256())
	if err != nil {
		return ServiceKeyEntry{}, fmt.Errorf("field pubkey: %w", err)
	}
	entry.Key = pub
	return entry, nil
}

// nullableBytes returns the bytes of item, or nil when item is Null or
// empty. It passes err through, so it can wrap unwrap.Item directly.
func nullableBytes(item stackitem.Item, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if _, ok := item.(stackitem.Null); ok {
		return nil, nil
	}
	b, err := item.TryBytes()
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}
