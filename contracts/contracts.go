// Package contracts embeds the compiled Service Layer contracts, so the
// servicelayer binary can deploy them without a Go toolchain.
//
// The NEF and manifest files next to each contract's sources are generated:
// after changing a contract, run `go generate ./contracts/...`. A test fails
// when an embedded file differs from a fresh compile.
package contracts

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/nef"
)

//go:generate go run ./internal/generate gateway lottery oracleconsumer

var (
	//go:embed gateway/gateway.nef
	gatewayNEF []byte
	//go:embed gateway/gateway.manifest.json
	gatewayManifest []byte
	//go:embed lottery/lottery.nef
	lotteryNEF []byte
	//go:embed lottery/lottery.manifest.json
	lotteryManifest []byte
	//go:embed oracleconsumer/oracleconsumer.nef
	oracleConsumerNEF []byte
	//go:embed oracleconsumer/oracleconsumer.manifest.json
	oracleConsumerManifest []byte
)

// Gateway returns the Gateway contract's NEF and manifest. Its deploy data is
// [owner Hash160, expiryBlocks int].
func Gateway() (*nef.File, *manifest.Manifest, error) {
	return decode("gateway", gatewayNEF, gatewayManifest)
}

// Lottery returns the example lottery contract's NEF and manifest. Its deploy
// data is the Gateway's script hash.
func Lottery() (*nef.File, *manifest.Manifest, error) {
	return decode("lottery", lotteryNEF, lotteryManifest)
}

// OracleConsumer returns the example oracle consumer's NEF and manifest.
// Its deploy data is [Gateway script hash, owner script hash].
func OracleConsumer() (*nef.File, *manifest.Manifest, error) {
	return decode("oracleconsumer", oracleConsumerNEF, oracleConsumerManifest)
}

// decode parses the embedded artefacts of one contract. Each call returns new
// values that the caller may change.
func decode(name string, nefBytes, manifestJSON []byte) (*nef.File, *manifest.Manifest, error) {
	ne, err := nef.FileFromBytes(nefBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s nef: %w", name, err)
	}

	m := new(manifest.Manifest)
	if err := json.Unmarshal(manifestJSON, m); err != nil {
		return nil, nil, fmt.Errorf("decode %s manifest: %w", name, err)
	}
	return &ne, m, nil
}
