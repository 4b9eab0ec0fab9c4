package devnet

import (
	"context"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/core/state"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/management"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/nef"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Deploy deploys a contract from the committee account, passing data to its
// _deploy method, and waits until a block includes the deployment. It
// returns the contract hash, which Neo derives from the committee account,
// the NEF checksum and m.Name. When a contract with that hash already
// exists, for example after a restart, Deploy returns the hash and sends
// nothing. name labels the contract in logs and errors only (default
// m.Name).
func (c *Chain) Deploy(ctx context.Context, name string, nefFile *nef.File, m *manifest.Manifest, data any) (util.Uint160, error) {
	if nefFile == nil || m == nil {
		return util.Uint160{}, errors.New("deploy: NEF file or manifest is missing")
	}
	if name == "" {
		name = m.Name
	}
	h := state.CreateContractHash(c.CommitteeHash(), nefFile.Checksum, m.Name)

	c.deployMu.Lock()
	defer c.deployMu.Unlock()

	if c.node.chain.GetContractState(h) != nil {
		c.log.Debug("contract already deployed", "contract", name, "hash", h.StringLE())
		return h, nil
	}

	txHash, vub, err := management.New(c.committee).Deploy(nefFile, m, data)
	if err != nil {
		return util.Uint160{}, fmt.Errorf("send deployment of %s: %w", name, err)
	}
	if _, err := c.wait(ctx, txHash, vub); err != nil {
		return util.Uint160{}, fmt.Errorf("deploy %s: %w", name, err)
	}

	c.log.Info("contract deployed", "contract", name, "hash", h.StringLE(), "tx_hash", txHash.StringLE())
	return h, nil
}
