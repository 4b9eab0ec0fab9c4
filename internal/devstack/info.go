package devstack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// DefaultDataDir is the data directory used when none is given.
const DefaultDataDir = ".servicelayer"

const infoFile = "dev.json"

// Info describes a running dev stack: the RPC endpoints of its chain and
// the hashes of its contracts. Start writes it to DataDir/dev.json for client
// commands and tests.
type Info struct {
	RPCURL      string `json:"rpc_url"`
	WSURL       string `json:"ws_url"`
	Magic       uint32 `json:"magic"`
	BlockTimeMS int64  `json:"block_time_ms"`
	Gateway     string `json:"gateway"`
	Lottery     string `json:"lottery"`
	// OracleConsumer is the example oracle consumer, owned by the user
	// account.
	OracleConsumer string `json:"oracle_consumer"`
	// ServiceKeys maps service name to its registered public key (hex).
	ServiceKeys map[string]string `json:"service_keys"`
	// UserAccount names the funded dev account for examples and the demo.
	UserAccount string `json:"user_account"`
	UserAddress string `json:"user_address"`
}

// ReadInfo reads the Info of the dev stack last started in dataDir.
func ReadInfo(dataDir string) (Info, error) {
	path := filepath.Join(dataDir, infoFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return Info{}, fmt.Errorf("read dev stack info: %w", err)
	}
	var info Info
	if err := json.Unmarshal(raw, &info); err != nil {
		return Info{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return info, nil
}

func writeInfo(dataDir string, info Info) error {
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("encode dev stack info: %w", err)
	}
	return writeFileAtomic(filepath.Join(dataDir, infoFile), raw, 0o644)
}
