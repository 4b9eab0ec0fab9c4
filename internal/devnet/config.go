package devnet

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

const (
	// NetworkMagic is the network magic of every devnet chain: the bytes
	// "SLDV" read as a little-endian uint32, the way neo-go's MainNet magic
	// reads "NEO3". It differs from MainNet, TestNet and neo-go's privnet
	// (56753), so transactions signed for one of those never verify here.
	NetworkMagic uint32 = 0x56444c53

	// DevPassword encrypts the NEP-6 wallets in DataDir. It is public on
	// purpose: the wallets can be opened with the neo-go CLI, and devnet keys
	// protect nothing.
	DevPassword = "devnet"

	// OneGAS is one GAS in datoshi, the unit of [Chain.Fund].
	OneGAS int64 = 100_000_000

	// DefaultBlockTime is the block interval when Config.BlockTime is zero.
	DefaultBlockTime = time.Second

	// DefaultRPCAddr is the RPC listen address when Config.RPCAddr is empty:
	// loopback, with a port chosen by the system.
	DefaultRPCAddr = "127.0.0.1:0"

	// MinBlockTime and MaxBlockTime bound Config.BlockTime. The maximum is
	// the limit of neo-go's native Policy contract (30,000 ms). The minimum
	// is our choice, because shorter blocks only grow the database faster.
	MinBlockTime = 10 * time.Millisecond
	MaxBlockTime = 30 * time.Second
)

// Config describes a devnet chain. The zero value of every field except
// DataDir selects its default.
type Config struct {
	// DataDir holds the chain database and the wallets (required). It is
	// created with mode 0700 if missing.
	DataDir string

	// BlockTime is the interval between blocks, in whole milliseconds,
	// between MinBlockTime and MaxBlockTime (default 1s). Blocks come at this
	// interval even when empty. Restarting with another value changes the
	// interval of the existing chain.
	BlockTime time.Duration

	// RPCAddr is the host:port the JSON-RPC and WebSocket server listens on
	// (default 127.0.0.1:0, a free port chosen by the system).
	RPCAddr string

	// Logger receives devnet events under component "devnet", and neo-go's
	// own messages at warn level and above (default slog.Default()).
	Logger *slog.Logger

	// NativeOracle runs neo-go's native oracle service with the validator
	// key, allowed to fetch from private and loopback hosts (default off).
	// The validator is designated as the oracle node in any case.
	NativeOracle bool

	// OracleClient is the HTTP client of the native oracle (default nil,
	// neo-go's own client, which trusts the system's root certificates). Set
	// it to trust a local test server's certificate.
	OracleClient *http.Client
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.BlockTime == 0 {
		c.BlockTime = DefaultBlockTime
	}
	if c.RPCAddr == "" {
		c.RPCAddr = DefaultRPCAddr
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate checks c with its defaults applied and returns an error naming the
// first invalid field.
func (c Config) Validate() error {
	c = c.WithDefaults()

	if err := c.validate(); err != nil {
		return fmt.Errorf("invalid devnet config: %w", err)
	}
	return nil
}

func (c Config) validate() error {
	if c.DataDir == "" {
		return errors.New("data dir is missing")
	}

	if c.BlockTime < MinBlockTime || c.BlockTime > MaxBlockTime {
		return fmt.Errorf("block time %s is outside [%s, %s]", c.BlockTime, MinBlockTime, MaxBlockTime)
	}
	if c.BlockTime%time.Millisecond != 0 {
		return fmt.Errorf("block time %s is not a whole number of milliseconds", c.BlockTime)
	}

	if _, _, err := net.SplitHostPort(c.RPCAddr); err != nil {
		return fmt.Errorf("rpc addr %q: %w", c.RPCAddr, err)
	}
	return nil
}
