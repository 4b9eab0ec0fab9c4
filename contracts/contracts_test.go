package contracts_test

import (
	"encoding/json"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/nef"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/contracts"
	"github.com/neo-service-layer/servicelayer/contracts/internal/compile"
)

const refresh = "embedded artefacts are stale: run go generate ./contracts/..."

func TestEmbeddedArtefactsFresh(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		load  func() (*nef.File, *manifest.Manifest, error)
		title string
	}{
		{name: "gateway", dir: "gateway", load: contracts.Gateway, title: "ServiceLayerGateway"},
		{name: "lottery", dir: "lottery", load: contracts.Lottery, title: "ServiceLayerLottery"},
		{name: "oracleconsumer", dir: "oracleconsumer", load: contracts.OracleConsumer, title: "ServiceLayerOracleConsumer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			embeddedNEF, embeddedManifest, err := tc.load()
			require.NoError(t, err)
			require.Equal(t, tc.title, embeddedManifest.Name)
			require.Equal(t, "neo-go-"+compile.CompilerVersion, embeddedNEF.Header.Compiler)

			fresh, err := compile.Dir(tc.dir)
			require.NoError(t, err)

			embeddedNEFBytes, err := embeddedNEF.Bytes()
			require.NoError(t, err)
			require.Equal(t, fresh.NEF, embeddedNEFBytes, "%s nef: %s", tc.name, refresh)

			freshManifest := new(manifest.Manifest)
			require.NoError(t, json.Unmarshal(fresh.Manifest, freshManifest))
			require.Equal(t, freshManifest, embeddedManifest, "%s manifest: %s", tc.name, refresh)
		})
	}
}

func TestEmbeddedManifestsValid(t *testing.T) {
	tests := []struct {
		name string
		load func() (*nef.File, *manifest.Manifest, error)
	}{
		{name: "gateway", load: contracts.Gateway},
		{name: "lottery", load: contracts.Lottery},
		{name: "oracleconsumer", load: contracts.OracleConsumer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ne, m, err := tc.load()
			require.NoError(t, err)

			hash := state.CreateContractHash(util.Uint160{1}, ne.Checksum, m.Name)
			require.NoError(t, m.IsValid(hash, true))
			require.Equal(t, ne.CalculateChecksum(), ne.Checksum)
		})
	}
}
