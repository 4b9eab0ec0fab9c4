package accountpool

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

// FuzzTransferRequest runs arbitrary transfer bodies and idempotency keys
// through the conversion and checks the transfer handler does before it
// touches the database.
func FuzzTransferRequest(f *testing.F) {
	f.Add([]byte(`{"lease_id":"abc","to":"0x0102030405060708090a0b0c0d0e0f1011121314","asset":"GAS","amount":5}`), "k-1")
	f.Add([]byte(`{"lease_id":"abc","from":"0x0102030405060708090a0b0c0d0e0f1011121314","asset":"NEO","amount":-1}`), "")
	f.Add([]byte(`{"asset":"gas","amount":9223372036854775807}`), "key with space")

	f.Fuzz(func(t *testing.T, body []byte, key string) {
		var in api.TransferRequest
		if json.Unmarshal(body, &in) != nil {
			return
		}
		req := transferRequest(in, key)
		if req.check() != nil {
			return
		}
		require.Positive(t, req.Amount)
		require.Contains(t, []Asset{AssetGAS, AssetNEO}, req.Asset)
		require.NotEmpty(t, req.LeaseID)
		require.NotEmpty(t, req.IdempotencyKey)
		require.LessOrEqual(t, len(req.IdempotencyKey), maxIdempotencyKeyBytes)
	})
}

func TestLeaseTTL(t *testing.T) {
	tests := []struct {
		name   string
		millis int64
		ok     bool
	}{
		{name: "zero selects default", millis: 0, ok: true},
		{name: "one minute", millis: 60_000, ok: true},
		{name: "negative", millis: -1},
		{name: "overflowing", millis: 1 << 62},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ttl, err := leaseTTL(tc.millis, DefaultMaxLeaseTTL)
			if !tc.ok {
				require.ErrorIs(t, err, ErrInvalidRequest)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.millis, ttl.Milliseconds())
		})
	}
}
