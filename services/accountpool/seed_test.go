package accountpool_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool"
)

func TestSeedNeverPrints(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, 32)
	seed, err := accountpool.NewSeed(raw)
	require.NoError(t, err)
	secretHex := hex.EncodeToString(raw)

	holder := struct {
		Name string
		Seed accountpool.Seed
		seed accountpool.Seed
	}{Name: "pool", Seed: seed, seed: seed}

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		outputs = append(outputs, fmt.Sprintf(verb, seed), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &holder))
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "seed", seed, "holder", holder)
	outputs = append(outputs, logged.String())
	encoded, err := json.Marshal(holder)
	require.NoError(t, err)
	outputs = append(outputs, string(encoded))

	for _, out := range outputs {
		require.NotContains(t, strings.ToLower(out), secretHex, "seed leaked")
		require.NotContains(t, out, "171 171 171", "seed bytes leaked in decimal")
		require.NotContains(t, out, "0xab, 0xab", "seed bytes leaked in Go syntax")
	}
	require.Equal(t, "[redacted]", fmt.Sprint(seed))
	require.Contains(t, logged.String(), `"seed":"[redacted]"`)
}

func TestSeedLength(t *testing.T) {
	tests := []struct {
		name string
		size int
		ok   bool
	}{
		{name: "empty", size: 0},
		{name: "SLIP-0010 minimum is too short here", size: 16},
		{name: "31 bytes", size: 31},
		{name: "32 bytes", size: 32, ok: true},
		{name: "64 bytes", size: 64, ok: true},
		{name: "65 bytes", size: 65},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seed, err := accountpool.NewSeed(make([]byte, tc.size))
			if !tc.ok {
				require.ErrorContains(t, err, "want 32 to 64")
				require.True(t, seed.IsZero())
				return
			}
			require.NoError(t, err)
			require.False(t, seed.IsZero())
		})
	}
}

func TestParseSeed(t *testing.T) {
	secret := strings.Repeat("c3", 32)
	parsed, err := accountpool.ParseSeed(" " + secret + "\n")
	require.NoError(t, err)
	direct, err := accountpool.NewSeed(bytes.Repeat([]byte{0xc3}, 32))
	require.NoError(t, err)
	require.Equal(t, firstAccount(t, direct), firstAccount(t, parsed), "parsed seed derives other accounts")

	var fromText accountpool.Seed
	require.NoError(t, fromText.UnmarshalText([]byte(secret)))
	require.Equal(t, firstAccount(t, direct), firstAccount(t, fromText), "unmarshalled seed derives other accounts")

	bad := strings.Repeat("zz", 32)
	_, err = accountpool.ParseSeed(bad)
	require.ErrorContains(t, err, "invalid hex")
	require.NotContains(t, err.Error(), bad, "error repeats the input")
}

// firstAccount returns the address of account 0 derived from seed.
func firstAccount(t *testing.T, seed accountpool.Seed) string {
	t.Helper()
	p := newOfflinePool(t, openDB(t, ""), newClock(), func(c *accountpool.Config) { c.Seed = seed })
	l, err := p.Lease(context.Background(), "vrf", "", 1, 0)
	require.NoError(t, err)
	return l.Accounts[0].Address
}
