package vrf

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

const (
	// PublicKeySize is the length of a compressed SEC1 P-256 public key.
	PublicKeySize = 33
	// ProofSize is the length of an ECVRF-P256-SHA256-TAI proof:
	// Gamma (33) || c (16) || s (32).
	ProofSize = 81

	alphaTag = "neo-service-layer/vrf/alpha/v1"
	wordsTag = "neo-service-layer/vrf/words/v1"
)

// ErrInvalidResult marks result bytes that do not have the VRF result layout.
var ErrInvalidResult = errors.New("invalid vrf result")

// AlphaInput names the on-chain facts the VRF input is derived from.
type AlphaInput struct {
	Magic     uint32       // network magic
	Gateway   util.Uint160 // Gateway contract hash
	RequestID int64
	Requester util.Uint160 // contract that called Gateway.request
	BlockHash util.Uint256 // hash of the block that holds the request
}

// Alpha returns the ECVRF input for a request. The block hash is unknown
// when the requester sends its transaction, so the requester cannot grind
// the input, and the validator that made the block cannot learn the output
// without the VRF key.
func Alpha(in AlphaInput) []byte {
	buf := make([]byte, 0, len(alphaTag)+4+20+8+20+32)
	buf = append(buf, alphaTag...)
	buf = binary.BigEndian.AppendUint32(buf, in.Magic)
	buf = append(buf, in.Gateway.BytesBE()...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(in.RequestID))
	buf = append(buf, in.Requester.BytesBE()...)
	buf = append(buf, in.BlockHash.BytesBE()...)
	return buf
}

// ExpandWords derives n words of WordSize bytes from the VRF output beta:
// word i is SHA-256(wordsTag || beta || uint32 big-endian i).
func ExpandWords(beta []byte, n int) [][]byte {
	words := make([][]byte, n)
	for i := range words {
		h := sha256.New()
		h.Write([]byte(wordsTag))
		h.Write(beta)
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(i)))
		words[i] = h.Sum(nil)
	}
	return words
}

// Result is the success payload delivered to the consumer contract.
type Result struct {
	PublicKey []byte   // compressed VRF public key, PublicKeySize bytes
	Proof     []byte   // ECVRF proof pi, ProofSize bytes
	Words     [][]byte // random words, WordSize bytes each
}

// Bytes encodes the result as PublicKey || Proof || Words..., the layout
// consumer contracts slice (words start at offset 114).
func (r Result) Bytes() []byte {
	buf := make([]byte, 0, PublicKeySize+ProofSize+len(r.Words)*WordSize)
	buf = append(buf, r.PublicKey...)
	buf = append(buf, r.Proof...)
	for _, w := range r.Words {
		buf = append(buf, w...)
	}
	return buf
}

// ParseResult splits result bytes into their parts. It checks lengths
// only; VerifyResult checks the proof.
func ParseResult(raw []byte) (Result, error) {
	const head = PublicKeySize + ProofSize
	if len(raw) < head+WordSize {
		return Result{}, fmt.Errorf("%w: %d bytes, want at least %d", ErrInvalidResult, len(raw), head+WordSize)
	}
	body := raw[head:]
	if len(body)%WordSize != 0 {
		return Result{}, fmt.Errorf("%w: %d bytes of words is not a multiple of %d", ErrInvalidResult, len(body), WordSize)
	}
	if n := len(body) / WordSize; n > MaxWords {
		return Result{}, fmt.Errorf("%w: %d words, max %d", ErrInvalidResult, n, MaxWords)
	}

	r := Result{
		PublicKey: raw[:PublicKeySize],
		Proof:     raw[PublicKeySize:head],
	}
	for off := 0; off < len(body); off += WordSize {
		r.Words = append(r.Words, body[off:off+WordSize])
	}
	return r, nil
}
