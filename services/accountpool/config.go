package accountpool

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/wallet"

	"github.com/neo-service-layer/servicelayer/internal/chain"
	"github.com/neo-service-layer/servicelayer/internal/store"
)

// OneGAS is one GAS in datoshi, the unit of every GAS amount here.
const OneGAS int64 = 100_000_000

// Defaults applied by Config.WithDefaults.
const (
	DefaultPoolSize         = 100
	DefaultMaxLeaseAccounts = 16
	// DefaultMaxHolderAccounts is the default of Config.MaxHolderAccounts.
	DefaultMaxHolderAccounts = 32
	// DefaultMaxTopUpPerDay is the default of Config.MaxTopUpPerDay: 100 GAS.
	DefaultMaxTopUpPerDay int64 = 100 * 100_000_000
	DefaultLeaseTTL             = 10 * time.Minute
	DefaultMaxLeaseTTL          = 24 * time.Hour
	DefaultSweepInterval        = 5 * time.Second
	DefaultPollInterval         = time.Second
	DefaultTopUpBelow           = 1 * OneGAS
	DefaultTopUpTo              = 5 * OneGAS

	// minLeaseTTL is the shortest lease accepted.
	minLeaseTTL = time.Second
)

// RPC is the node API the pool reads balances and builds transactions
// with. *rpcclient.Client and *rpcclient.WSClient implement it.
type RPC interface {
	actor.RPCActor
	GetTransactionHeight(hash util.Uint256) (uint32, error)
}

// Config configures the account pool service.
type Config struct {
	// Seed derives every pool account (required).
	Seed Seed
	// DB holds accounts, leases, fee reservations and the transactions
	// the pool sends. Required, and chain.Migrate and Migrate must have run.
	DB *store.DB
	// Dial connects the transaction sender to the node (required).
	Dial chain.Dialer
	// RPC reads balances and builds transfers (required).
	RPC RPC
	// Magic is the network magic of the chain the pool signs for
	// (required). Run and the first signature check it against the node.
	Magic uint32
	// Treasury pays top-ups of pool accounts. Optional: nil disables
	// top-ups. The caller keeps ownership and must not close it while the
	// service runs.
	Treasury *wallet.Account
	// TopUpBelow is the GAS balance, in datoshi, under which an account is
	// topped up (default 1 GAS).
	TopUpBelow int64
	// TopUpTo is the GAS balance, in datoshi, a top-up brings an account to
	// (default 5 GAS).
	TopUpTo int64
	// PoolSize is the most accounts the pool derives (default 100).
	PoolSize int
	// MaxLeaseAccounts is the most accounts one lease may take (default 16,
	// or the pool size if that is smaller).
	MaxLeaseAccounts int
	// MaxTopUpPerDay is the most GAS, in datoshi, the treasury sends one
	// account in any 24 hours (default 100 GAS). It bounds what a holder
	// can drain from the treasury through its leased accounts.
	MaxTopUpPerDay int64
	// MaxHolderAccounts is the most accounts one holder's open leases may
	// hold together (default 32, or the pool size if that is smaller), so
	// that one service cannot take every account.
	MaxHolderAccounts int
	// DefaultLeaseTTL is the lease duration when a request gives none
	// (default 10m).
	DefaultLeaseTTL time.Duration
	// MaxLeaseTTL is the longest lease a request may ask for (default 24h).
	MaxLeaseTTL time.Duration
	// SweepInterval is how often expired leases are freed (default 5s).
	SweepInterval time.Duration
	// PollInterval is how often the node's block count is read. Each new
	// block refreshes balances, settles fee reservations and starts
	// top-ups (default 1s).
	PollInterval time.Duration
	// Clock returns the current time (default time.Now). Tests set it.
	Clock func() time.Time
	// Log receives pool events under component "accountpool" (default:
	// discarded).
	Log *slog.Logger
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	setDefault(&c.TopUpBelow, DefaultTopUpBelow)
	setDefault(&c.TopUpTo, DefaultTopUpTo)
	setDefault(&c.PoolSize, DefaultPoolSize)
	setDefault(&c.MaxLeaseAccounts, min(DefaultMaxLeaseAccounts, c.PoolSize))
	setDefault(&c.MaxHolderAccounts, min(DefaultMaxHolderAccounts, c.PoolSize))
	setDefault(&c.MaxTopUpPerDay, DefaultMaxTopUpPerDay)
	setDefault(&c.DefaultLeaseTTL, DefaultLeaseTTL)
	setDefault(&c.MaxLeaseTTL, DefaultMaxLeaseTTL)
	setDefault(&c.SweepInterval, DefaultSweepInterval)
	setDefault(&c.PollInterval, DefaultPollInterval)
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

func setDefault[T comparable](field *T, value T) {
	var zero T
	if *field == zero {
		*field = value
	}
}

// Validate checks c with its defaults applied and names the first invalid
// field.
func (c Config) Validate() error {
	if err := c.WithDefaults().validate(); err != nil {
		return fmt.Errorf("invalid accountpool config: %w", err)
	}
	return nil
}

func (c Config) validate() error {
	switch {
	case c.Seed.IsZero():
		return errors.New("seed is missing")
	case c.DB == nil:
		return errors.New("db is missing")
	case c.Dial == nil:
		return errors.New("dial is missing")
	case c.RPC == nil:
		return errors.New("rpc is missing")
	case c.Magic == 0:
		return errors.New("magic is missing")
	case c.PoolSize < 1 || int64(c.PoolSize)-1 > MaxAccountIndex:
		return fmt.Errorf("pool size %d is outside [1, %d]", c.PoolSize, MaxAccountIndex+1)
	case c.MaxLeaseAccounts < 1 || c.MaxLeaseAccounts > c.PoolSize:
		return fmt.Errorf("max lease accounts %d is outside [1, pool size %d]", c.MaxLeaseAccounts, c.PoolSize)
	case c.DefaultLeaseTTL < minLeaseTTL || c.DefaultLeaseTTL > c.MaxLeaseTTL:
		return fmt.Errorf("default lease ttl %s is outside [%s, max lease ttl %s]",
			c.DefaultLeaseTTL, minLeaseTTL, c.MaxLeaseTTL)
	case c.SweepInterval < 0 || c.PollInterval < 0:
		return errors.New("sweep and poll intervals must not be negative")
	case c.Treasury != nil && (c.TopUpBelow < 0 || c.TopUpTo <= c.TopUpBelow):
		return fmt.Errorf("top-up target %d datoshi must be above the threshold %d datoshi, which must not be negative",
			c.TopUpTo, c.TopUpBelow)
	case c.Treasury != nil && c.MaxTopUpPerDay < c.TopUpTo:
		return fmt.Errorf("max top-up per day %d datoshi is below the top-up target %d datoshi: no account could be topped up",
			c.MaxTopUpPerDay, c.TopUpTo)
	}
	return nil
}
