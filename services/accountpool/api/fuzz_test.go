package api_test

import (
	"encoding/json"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/core/transaction"
	"github.com/nspcc-dev/neo-go/pkg/crypto/hash"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/accountpool/api"
)

func sampleTx() *transaction.Transaction {
	tx := transaction.New([]byte{0x40}, 1000)
	tx.NetworkFee = 500
	tx.ValidUntilBlock = 77
	tx.Signers = []transaction.Signer{
		{Account: util.Uint160{1, 2, 3}, Scopes: transaction.None},
		{Account: util.Uint160{4, 5, 6}, Scopes: transaction.CalledByEntry},
	}
	return tx
}

func TestSignRequestRoundTrip(t *testing.T) {
	tx := sampleTx()
	req, err := api.NewSignRequest("lease-1", 42, tx)
	require.NoError(t, err)
	body, err := json.Marshal(req)
	require.NoError(t, err)

	var decoded api.SignRequest
	require.NoError(t, json.Unmarshal(body, &decoded))
	got, err := decoded.Decode()
	require.NoError(t, err)
	require.Equal(t, tx.Hash(), got.Hash(), "hash survives the wire")
	require.Equal(t, tx.Signers, got.Signers)
	require.Equal(t, tx.SystemFee, got.SystemFee)
	require.Equal(t, tx.NetworkFee, got.NetworkFee)
	require.Equal(t, tx.ValidUntilBlock, got.ValidUntilBlock)
	require.Equal(t, "lease-1", decoded.LeaseID)
	require.Equal(t, uint32(42), decoded.Network)
}

func TestSignRequestRejectsOversized(t *testing.T) {
	req := api.SignRequest{Transaction: make([]byte, transaction.MaxTransactionSize+1)}
	_, err := req.Decode()
	require.ErrorContains(t, err, "limit")
}

// FuzzSignRequest feeds arbitrary bodies through the decoding the sign
// handler does. A transaction that decodes must hash to the SHA-256 of its
// bytes, and encode back to bytes that decode to the same transaction.
func FuzzSignRequest(f *testing.F) {
	req, err := api.NewSignRequest("lease-1", 42, sampleTx())
	require.NoError(f, err)
	body, err := json.Marshal(req)
	require.NoError(f, err)
	f.Add(body)
	f.Add([]byte(`{"lease_id":"x","network":1,"transaction":"AA=="}`))
	f.Add([]byte(`{"transaction":null}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		var req api.SignRequest
		if json.Unmarshal(body, &req) != nil {
			return
		}
		tx, err := req.Decode()
		if err != nil {
			return
		}
		require.Equal(t, hash.Sha256(req.Transaction), tx.Hash())

		again, err := tx.EncodeHashableFields()
		require.NoError(t, err)
		tx2, err := api.SignRequest{Transaction: again}.Decode()
		require.NoError(t, err)
		require.Equal(t, tx.Hash(), tx2.Hash())
	})
}

// FuzzRequestBodies decodes arbitrary bodies into every request type and
// the response types a client decodes, which must never panic.
func FuzzRequestBodies(f *testing.F) {
	f.Add([]byte(`{"purpose":"p","count":2,"ttl_ms":60000}`))
	f.Add([]byte(`{"lease_id":"abc","to":"0x0102030405060708090a0b0c0d0e0f1011121314","asset":"GAS","amount":5}`))
	f.Add([]byte(`{"lease_id":"abc","from":"0102030405060708090a0b0c0d0e0f1011121314","to":"x"}`))
	f.Add([]byte(`{"accounts":[{"index":1,"public_key":"02ab","script_hash":"0x00"}]}`))
	f.Add([]byte(`{"tx_hash":"0x` + "00" + `"}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			&api.LeaseRequest{}, &api.ReleaseRequest{}, &api.BalancesRequest{}, &api.TransferRequest{},
			&api.Lease{}, &api.BalancesResponse{}, &api.SignResponse{}, &api.TransferResponse{},
		}
		for _, v := range targets {
			_ = json.Unmarshal(body, v)
		}

		var l api.Lease
		if json.Unmarshal(body, &l) == nil {
			for _, a := range l.Accounts {
				if pub, err := a.Key(); err == nil {
					require.Equal(t, a.ScriptHash, pub.GetScriptHash())
				}
			}
		}
	})
}
