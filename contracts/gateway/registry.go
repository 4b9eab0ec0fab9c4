package gateway

import (
	"github.com/nspcc-dev/neo-go/pkg/interop"
	"github.com/nspcc-dev/neo-go/pkg/interop/convert"
	"github.com/nspcc-dev/neo-go/pkg/interop/native/std"
	"github.com/nspcc-dev/neo-go/pkg/interop/runtime"
	"github.com/nspcc-dev/neo-go/pkg/interop/storage"
)

// Service keys and service data are kept as append-only histories, so that
// anyone can find the key or value in force at any past height. A history
// lives under a base made of a kind letter and length-prefixed names: its
// entry count under prefixHistoryLen+base, entry i under
// prefixHistoryEntry+base+i (i as NeoVM integer bytes). The newest key of a
// service is also stored under prefixKeyHead+service as pubkey (33 bytes)
// followed by its Since (NeoVM integer bytes): fulfil reads it with one
// storage read and no deserialization, which keeps its fee low.
const (
	prefixKeyHead      = "k"
	prefixHistoryLen   = "n"
	prefixHistoryEntry = "e"
	kindServiceKey     = "K"
	kindServiceData    = "D"
	// maxDataNameLen keeps a data history entry's storage key within
	// Neo's 64-byte limit: 2 prefix bytes, 2 length bytes, a service name
	// of up to 32 bytes, the data name and an entry index of up to 4 bytes.
	maxDataNameLen = 24
	// maxDataValueLen keeps ServiceDataSet, which carries the value, well
	// under NeoVM's 1024-byte limit on a notification's serialized state.
	maxDataValueLen = 512
)

// historyEntry is one registration. For a service key, Value is the public
// key and Extra the attestation hash. For service data, Value is the value
// and Extra is unused.
type historyEntry struct {
	// Since is the first block index at which the entry is in force: the
	// block after the one whose transaction added it, so every fulfil in one
	// block is checked against the same key.
	Since int
	Value []byte
	Extra []byte
}

// RegisterServiceKey appends pubkey (33-byte compressed secp256r1) to the
// key history of service, with the hash of the attestation evidence that
// vouched for it. From the next block on it is the only key that may fulfil
// requests for service, including requests made before. Older keys stay in
// the history for serviceKeyAt. Owner only.
func RegisterServiceKey(service string, pubkey interop.PublicKey, attestationHash []byte) {
	ctx := storage.GetContext()
	checkOwner(ctx)

	if !validName(service, maxServiceNameLen) {
		panic("invalid service name")
	}
	if len(pubkey) != interop.PublicKeyCompressedLen || (pubkey[0] != 2 && pubkey[0] != 3) {
		panic("invalid public key")
	}
	if len(attestationHash) != attestationHashLen {
		panic("invalid attestation hash")
	}

	e := historyEntry{Since: blockIndex() + 1, Value: pubkey, Extra: attestationHash}
	appendEntry(ctx, keyBase(service), e)
	storage.Put(ctx, prefixKeyHead+service, append(pubkey, convert.ToBytes(e.Since)...))
	runtime.Notify("ServiceKeyRegistered", service, pubkey, attestationHash)
}

// ServiceKey returns the key of service that fulfil accepts in the current
// block, or nil.
func ServiceKey(service string) interop.PublicKey {
	return keyInForce(storage.GetReadOnlyContext(), service, blockIndex())
}

// AttestationHash returns the attestation evidence hash registered with the
// current key of service, or nil.
func AttestationHash(service string) []byte {
	e, ok := entryAt(storage.GetReadOnlyContext(), keyBase(service), blockIndex())
	if !ok {
		return nil
	}
	return e.Extra
}

// ServiceKeyAt returns the key of service in force at block index height as
// [pubkey, attestationHash, since], where since is the first block index at
// which it was in force, or nil when no key was in force then. A request
// fulfilled in block h was checked against ServiceKeyAt(service, h).
func ServiceKeyAt(service string, height int) []any {
	e, ok := entryAt(storage.GetReadOnlyContext(), keyBase(service), height)
	if !ok {
		return nil
	}
	return []any{e.Value, e.Extra, e.Since}
}

// SetServiceData appends value to the history of the named datum of
// service, in force from the next block, and emits ServiceDataSet. The VRF
// service publishes its ECVRF public key as ("vrf", "vrf_public_key"). An
// empty value withdraws the datum. Owner only.
func SetServiceData(service string, name string, value []byte) {
	ctx := storage.GetContext()
	checkOwner(ctx)

	if !validName(service, maxServiceNameLen) {
		panic("invalid service name")
	}
	if !validName(name, maxDataNameLen) {
		panic("invalid data name")
	}
	if len(value) > maxDataValueLen {
		panic("data value too large")
	}

	appendEntry(ctx, dataBase(service, name), historyEntry{Since: blockIndex() + 1, Value: value})
	runtime.Notify("ServiceDataSet", service, name, value)
}

// ServiceData returns the named datum of service in force in the current
// block, or nil if it was never set.
func ServiceData(service string, name string) []byte {
	return ServiceDataAt(service, name, blockIndex())
}

// ServiceDataAt returns the named datum of service in force at block index
// height, or nil if none was set by then.
func ServiceDataAt(service string, name string, height int) []byte {
	e, ok := entryAt(storage.GetReadOnlyContext(), dataBase(service, name), height)
	if !ok {
		return nil
	}
	return e.Value
}

// hasServiceKey reports whether a key was ever registered for service.
func hasServiceKey(ctx storage.Context, service string) bool {
	return storage.Get(ctx, prefixKeyHead+service) != nil
}

// keyInForce returns the key of service in force at height, or nil. It
// reads the newest key first, which is the one in force except in the block
// that registered it.
func keyInForce(ctx storage.Context, service string, height int) interop.PublicKey {
	head := storage.Get(ctx, prefixKeyHead+service)
	if head == nil {
		return nil
	}
	b := head.([]byte)
	if convert.ToInteger(b[interop.PublicKeyCompressedLen:]) <= height {
		return b[:interop.PublicKeyCompressedLen]
	}

	e, ok := entryAt(ctx, keyBase(service), height)
	if !ok {
		return nil
	}
	return e.Value
}

// validName reports whether s is non-empty and at most max bytes long.
func validName(s string, max int) bool {
	return len(s) > 0 && len(s) <= max
}

// keyBase returns the history base of the keys of service.
func keyBase(service string) []byte {
	return lengthPrefixed([]byte(kindServiceKey), service)
}

// dataBase returns the history base of the named datum of service.
func dataBase(service string, name string) []byte {
	return lengthPrefixed(lengthPrefixed([]byte(kindServiceData), service), name)
}

// lengthPrefixed appends the length of s and then s to b, so that names
// of different lengths never produce the same storage key.
func lengthPrefixed(b []byte, s string) []byte {
	b = append(b, convert.ToBytes(len(s))...)
	return append(b, []byte(s)...)
}

func historyLen(ctx storage.Context, base []byte) int {
	n := storage.Get(ctx, prefixHistoryLen+string(base))
	if n == nil {
		return 0
	}
	return convert.ToInteger(n)
}

func entryKey(base []byte, i int) []byte {
	return append(append([]byte(prefixHistoryEntry), base...), convert.ToBytes(i)...)
}

func loadEntry(ctx storage.Context, base []byte, i int) historyEntry {
	return std.Deserialize(storage.Get(ctx, entryKey(base, i)).([]byte)).(historyEntry)
}

func appendEntry(ctx storage.Context, base []byte, e historyEntry) {
	n := historyLen(ctx, base)
	storage.Put(ctx, entryKey(base, n), std.Serialize(e))
	storage.Put(ctx, prefixHistoryLen+string(base), n+1)
}

// entryAt returns the newest entry of the history at base whose Since is at
// most height. Since never decreases along a history, so a bisection finds
// it.
func entryAt(ctx storage.Context, base []byte, height int) (historyEntry, bool) {
	var found historyEntry
	ok := false
	lo, hi := 0, historyLen(ctx, base)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		e := loadEntry(ctx, base, mid)
		if e.Since <= height {
			found, ok = e, true
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	return found, ok
}
