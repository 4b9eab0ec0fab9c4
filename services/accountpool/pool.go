package accountpool

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

// Pool leases accounts, signs for them and sends their transfers. Its
// methods are safe for concurrent use, also from several processes on one
// database. Lease, Release and the checks that reject a lease need only
// the database, while signing and transfers also need the node.
type Pool struct {
	cfg    Config
	keys   *deriver
	db     *store.DB
	rpc    RPC
	sender *chain.Sender
	now    func() time.Time
	random io.Reader
	log    *slog.Logger
	// capWarned limits the daily top-up cap warning to once a day per
	// account.
	capWarned warnedSet

	// netMu guards network.
	netMu sync.Mutex
	// network holds the node's protocol settings once its magic matched
	// cfg.Magic, and is nil until then.
	network *networkInfo

	// treasuryMu guards treasury.
	treasuryMu sync.Mutex
	// treasury signs top-ups. It is nil until the first one.
	treasury *actor.Actor
}

// networkInfo holds the node protocol settings the pool uses.
type networkInfo struct {
	maxValidUntilIncrement uint32
}

// newPool builds a Pool from a checked, defaulted cfg. The sender is set
// by New, which needs the pool's hooks to create it.
func newPool(cfg Config) (*Pool, error) {
	d, err := newDeriver(cfg.Seed)
	if err != nil {
		return nil, err
	}
	return &Pool{
		cfg:    cfg,
		keys:   d,
		db:     cfg.DB,
		rpc:    cfg.RPC,
		now:    cfg.Clock,
		random: rand.Reader,
		log:    cfg.Log.With("component", "accountpool"),
	}, nil
}

// Magic returns the network magic the pool signs for.
func (p *Pool) Magic() uint32 {
	return p.cfg.Magic
}

// checkNetwork checks that the node runs the network the pool signs for.
// It asks the node once and caches the result.
func (p *Pool) checkNetwork() (*networkInfo, error) {
	p.netMu.Lock()
	defer p.netMu.Unlock()
	if p.network != nil {
		return p.network, nil
	}

	v, err := p.rpc.GetVersion()
	if err != nil {
		return nil, fmt.Errorf("get node version: %w", err)
	}
	if uint32(v.Protocol.Network) != p.cfg.Magic {
		return nil, fmt.Errorf("%w: node runs network %d, pool is configured for %d",
			ErrWrongNetwork, v.Protocol.Network, p.cfg.Magic)
	}
	p.network = &networkInfo{maxValidUntilIncrement: v.Protocol.MaxValidUntilBlockIncrement}
	return p.network, nil
}

// newLeaseID returns 16 random bytes in hex.
func (p *Pool) newLeaseID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(p.random, b[:]); err != nil {
		return "", fmt.Errorf("generate lease id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// verifyAccounts derives every stored account again and checks that its
// script hash matches, which fails when the seed changed since the
// accounts were created.
func (p *Pool) verifyAccounts(ctx context.Context) error {
	accounts, err := listAccounts(ctx, p.db.SQL())
	if err != nil {
		return err
	}
	for _, a := range accounts {
		pub, err := p.keys.publicKey(a.Index)
		if err != nil {
			return err
		}
		if !pub.GetScriptHash().Equals(a.ScriptHash) {
			return fmt.Errorf("account %d (%s) was not derived from the configured seed", a.Index, a.Address)
		}
	}
	return nil
}
