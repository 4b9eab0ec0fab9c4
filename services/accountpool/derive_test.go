package accountpool

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/crypto/hash"
	"github.com/stretchr/testify/require"
)

// slip10Chain is one chain entry of a SLIP-0010 test vector.
type slip10Chain struct {
	Path        string `json:"path"`
	Fingerprint string `json:"fingerprint"`
	ChainCode   string `json:"chain_code"`
	Private     string `json:"private"`
	Public      string `json:"public"`
}

// loadSLIP10Vectors reads testdata/slip10_nist256p1.json.
func loadSLIP10Vectors(t *testing.T) []struct {
	Name   string        `json:"name"`
	Seed   string        `json:"seed"`
	Chains []slip10Chain `json:"chains"`
} {
	t.Helper()
	raw, err := os.ReadFile("testdata/slip10_nist256p1.json")
	require.NoError(t, err)

	var file struct {
		Curve   string `json:"curve"`
		Vectors []struct {
			Name   string        `json:"name"`
			Seed   string        `json:"seed"`
			Chains []slip10Chain `json:"chains"`
		} `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	require.Equal(t, "nist256p1", file.Curve)
	require.Len(t, file.Vectors, 4, "SLIP-0010 has four nist256p1 vectors")
	return file.Vectors
}

// parsePath turns "m/0H/1" into its indexes, hardened ones with 2^31 added.
func parsePath(t *testing.T, path string) []uint32 {
	t.Helper()
	parts := strings.Split(path, "/")
	require.Equal(t, "m", parts[0], "path %q", path)

	var out []uint32
	for _, p := range parts[1:] {
		var offset uint32
		if strings.HasSuffix(p, "H") {
			offset = hardenedOffset
			p = strings.TrimSuffix(p, "H")
		}
		n, err := strconv.ParseUint(p, 10, 32)
		require.NoError(t, err, "path %q", path)
		out = append(out, uint32(n)+offset)
	}
	return out
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestDeriveSLIP10Vectors(t *testing.T) {
	for _, v := range loadSLIP10Vectors(t) {
		for _, tc := range v.Chains {
			t.Run(v.Name+"/"+tc.Path, func(t *testing.T) {
				master := masterKey(mustHex(t, v.Seed))
				path := parsePath(t, tc.Path)

				parent := master
				node := master
				for i, index := range path {
					if i == len(path)-1 {
						parent = node
					}
					next, err := node.child(index)
					require.NoError(t, err)
					node = next
				}

				require.Equal(t, tc.ChainCode, hex.EncodeToString(node.chain[:]), "chain code")
				require.Equal(t, tc.Private, hex.EncodeToString(node.key[:]), "private key")
				pub, err := compressedPublicKey(node.key[:])
				require.NoError(t, err)
				require.Equal(t, tc.Public, hex.EncodeToString(pub), "public key")
				require.Equal(t, tc.Fingerprint, fingerprint(t, parent, len(path)), "parent fingerprint")
			})
		}
	}
}

// fingerprint is the first 4 bytes of HASH160 of the parent's compressed
// public key, or 00000000 for the master node.
func fingerprint(t *testing.T, parent *extendedKey, depth int) string {
	t.Helper()
	if depth == 0 {
		return "00000000"
	}
	pub, err := compressedPublicKey(parent.key[:])
	require.NoError(t, err)
	h := hash.Hash160(pub)
	return hex.EncodeToString(h[:4])
}

func TestDeriveAccountPath(t *testing.T) {
	seed, err := NewSeed(mustHex(t, strings.Repeat("5a", 32)))
	require.NoError(t, err)
	d, err := newDeriver(seed)
	require.NoError(t, err)

	// Walk m/44'/888'/0'/0'/7' step by step from the master node.
	node := masterKey(seed.bytes())
	for _, index := range append(append([]uint32(nil), accountBranch...), 7|hardenedOffset) {
		node, err = node.child(index)
		require.NoError(t, err)
	}

	k, err := d.key(7)
	require.NoError(t, err)
	require.Equal(t, node.key[:], k.Bytes(), "account 7 key")

	other, err := d.key(8)
	require.NoError(t, err)
	require.NotEqual(t, k.Bytes(), other.Bytes(), "accounts 7 and 8 share a key")
}

func TestDeriveRejectsIndexOutOfRange(t *testing.T) {
	seed, err := NewSeed(make([]byte, 32))
	require.NoError(t, err)
	d, err := newDeriver(seed)
	require.NoError(t, err)

	tests := []struct {
		name  string
		index int64
	}{
		{name: "negative", index: -1},
		{name: "hardened range", index: MaxAccountIndex + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.key(tc.index)
			require.ErrorContains(t, err, "outside")
		})
	}
}
