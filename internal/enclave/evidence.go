package enclave

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
)

// Quoter produces SGX quotes. Quote returns a quote whose report data is
// data (at most 64 bytes).
type Quoter interface {
	Quote(data []byte) ([]byte, error)
	// Simulation reports whether the quoter runs without a TEE, so its
	// quotes are empty and prove nothing.
	Simulation() bool
}

// SimulationQuoter is the Quoter of simulation mode: it returns empty
// quotes, which a coordinator accepts only in simulation mode.
type SimulationQuoter struct{}

var _ Quoter = SimulationQuoter{}

// Quote returns an empty quote.
func (SimulationQuoter) Quote([]byte) ([]byte, error) { return nil, nil }

// Simulation returns true.
func (SimulationQuoter) Simulation() bool { return true }

// evidenceDomain starts the hashed encoding of Evidence.
const evidenceDomain = "neo-service-layer/attestation/v1"

// Evidence is the attestation evidence for a public key a service
// registers on the Gateway: a quote from the service's enclave whose
// report data is the SHA-256 of that key. In simulation mode the quote is
// empty and the evidence proves nothing, which Simulation reports.
type Evidence struct {
	// Service is the service that attested the key.
	Service string
	// ReportData is the SHA-256 of the attested public key.
	ReportData [sha256.Size]byte
	// Quote is the SGX quote over ReportData, empty in simulation mode.
	Quote []byte
	// Simulation is true when no TEE produced the quote.
	Simulation bool
}

// Hash returns the SHA-256 of the evidence's canonical encoding, the
// attestation hash the Gateway stores with the key:
//
//	"neo-service-layer/attestation/v1"
//	u32le(len(service)) service
//	report data (32 bytes)
//	u32le(len(quote)) quote
//	simulation (1 byte: 1 or 0)
func (e Evidence) Hash() [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(evidenceDomain))
	writeField(h, []byte(e.Service))
	h.Write(e.ReportData[:])
	writeField(h, e.Quote)
	if e.Simulation {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}

	var sum [sha256.Size]byte
	h.Sum(sum[:0])

	return sum
}

func writeField(h hash.Hash, b []byte) {
	h.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
	h.Write(b)
}

// attest returns the evidence for publicKey from quoter.
func attest(service string, quoter Quoter, publicKey []byte) (Evidence, error) {
	if len(publicKey) == 0 {
		return Evidence{}, fmt.Errorf("attest %s key: empty public key", service)
	}

	e := Evidence{Service: service, ReportData: sha256.Sum256(publicKey), Simulation: quoter.Simulation()}
	quote, err := quoter.Quote(e.ReportData[:])
	if err != nil {
		return Evidence{}, fmt.Errorf("quote %s key: %w", service, err)
	}
	e.Quote = quote

	return e, nil
}
