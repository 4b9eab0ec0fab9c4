package accountpool

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPoolPrintsNoSecret(t *testing.T) {
	raw := bytes.Repeat([]byte{0x5c}, 32)
	seed, err := NewSeed(raw)
	require.NoError(t, err)
	p, err := newPool(Config{Seed: seed}.WithDefaults())
	require.NoError(t, err)

	branch := p.keys.branch()
	key, err := p.keys.key(0)
	require.NoError(t, err)
	secrets := []string{
		hex.EncodeToString(raw),
		hex.EncodeToString(branch.key[:]),
		hex.EncodeToString(branch.chain[:]),
		hex.EncodeToString(key.Bytes()),
		strings.Trim(fmt.Sprint(raw), "[]"),
		strings.Trim(fmt.Sprint(branch.key[:]), "[]"),
	}

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d", "%q"} {
		for _, value := range []any{p, p.keys, *p.keys, branch, *branch, seed} {
			out := strings.ToLower(fmt.Sprintf(verb, value))
			for _, secret := range secrets {
				require.NotContains(t, out, secret, "%s of %T leaks a secret", verb, value)
			}
		}
	}
}
