package enclave

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEvidenceHash(t *testing.T) {
	base := Evidence{Service: "vrf", ReportData: sha256.Sum256([]byte("key")), Simulation: true}
	h := sha256.New()
	h.Write([]byte("neo-service-layer/attestation/v1"))
	h.Write([]byte{3, 0, 0, 0})
	h.Write([]byte("vrf"))
	h.Write(base.ReportData[:])
	h.Write([]byte{0, 0, 0, 0})
	h.Write([]byte{1})
	want := hex.EncodeToString(h.Sum(nil))

	got := base.Hash()
	require.Equal(t, want, hex.EncodeToString(got[:]))

	edits := map[string]func(e *Evidence){
		"service":     func(e *Evidence) { e.Service = "oracle" },
		"report data": func(e *Evidence) { e.ReportData[0] ^= 1 },
		"quote":       func(e *Evidence) { e.Quote = []byte{1} },
		"simulation":  func(e *Evidence) { e.Simulation = false },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			e := base
			edit(&e)
			require.NotEqual(t, base.Hash(), e.Hash())
		})
	}
}

type failingQuoter struct{}

func (failingQuoter) Quote([]byte) ([]byte, error) { return nil, errors.New("no quote provider") }
func (failingQuoter) Simulation() bool             { return false }

func TestAttest(t *testing.T) {
	e, err := attest("vrf", SimulationQuoter{}, []byte("public key"))
	require.NoError(t, err)
	require.Equal(t, "vrf", e.Service)
	require.Equal(t, sha256.Sum256([]byte("public key")), e.ReportData)
	require.Empty(t, e.Quote)
	require.True(t, e.Simulation)

	_, err = attest("vrf", SimulationQuoter{}, nil)
	require.ErrorContains(t, err, "empty public key")
	_, err = attest("vrf", failingQuoter{}, []byte("public key"))
	require.ErrorContains(t, err, "quote vrf key: no quote provider")
}
