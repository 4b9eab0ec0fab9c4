package binding

import (
	"bytes"
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding/bindingtest"
	"github.com/neo-service-layer/servicelayer/internal/result"
)

func TestServiceKeyAt(t *testing.T) {
	env := bindingtest.New(t, 0)
	gw := NewGateway(env, env.Gateway)
	first := env.Height()
	oldKey := env.ServiceKey.PublicKey()

	_, err := gw.ServiceKeyAt(bindingtest.Service, first)
	require.ErrorIs(t, err, ErrNoServiceKey, "key in its registration block")

	newKey, _ := bindingtest.NewKey(t)
	env.RegisterServiceKey(newKey.PublicKey())
	second := env.Height()

	tests := []struct {
		name   string
		height uint32
		want   []byte
		since  uint32
	}{
		{name: "first key", height: first + 1, want: oldKey.Bytes(), since: first + 1},
		{name: "second registration block", height: second, want: oldKey.Bytes(), since: first + 1},
		{name: "second key", height: second + 1, want: newKey.PublicKey().Bytes(), since: second + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entry, err := gw.ServiceKeyAt(bindingtest.Service, tc.height)
			require.NoError(t, err)
			require.Equal(t, tc.want, entry.Key.Bytes())
			require.Equal(t, tc.since, entry.Since)
			require.Len(t, entry.AttestationHash, 32)
		})
	}

	current, err := gw.ServiceKey(bindingtest.Service)
	require.NoError(t, err)
	require.True(t, current.Equal(newKey.PublicKey()), "ServiceKey returns the newest key")
	_, err = gw.ServiceKeyAt("oracle", second+1)
	require.ErrorIs(t, err, ErrNoServiceKey, "unknown service")
}

func TestServiceData(t *testing.T) {
	env := bindingtest.New(t, 0)
	gw := NewGateway(env, env.Gateway)
	value := bytes.Repeat([]byte{3}, 33)

	got, err := gw.ServiceData("vrf", DataVRFPublicKey)
	require.NoError(t, err)
	require.Nil(t, got, "unset datum")

	tx, err := gw.SetServiceDataTx(env.Maker(env.Owner), "vrf", DataVRFPublicKey, value)
	require.NoError(t, err)
	env.Send(tx)
	set := env.Height()
	env.SetServiceData("vrf", DataVRFPublicKey, nil)
	withdrawn := env.Height()

	got, err = gw.ServiceDataAt("vrf", DataVRFPublicKey, set)
	require.NoError(t, err)
	require.Nil(t, got, "datum in the block that sets it")
	got, err = gw.ServiceDataAt("vrf", DataVRFPublicKey, set+1)
	require.NoError(t, err)
	require.Equal(t, value, got, "datum after the block that sets it")
	got, err = gw.ServiceDataAt("vrf", DataVRFPublicKey, withdrawn+1)
	require.NoError(t, err)
	require.Nil(t, got, "withdrawn datum")
	got, err = gw.ServiceData("vrf", DataVRFPublicKey)
	require.NoError(t, err)
	require.Nil(t, got, "current datum after withdrawal")
}

func TestSetServiceDataTxNeedsOwner(t *testing.T) {
	env := bindingtest.New(t, 0)
	gw := NewGateway(env, env.Gateway)

	tx, err := gw.SetServiceDataTx(env.Maker(env.User), "vrf", DataVRFPublicKey, []byte{1})
	require.NoError(t, err)
	env.AddNewBlock(t, tx)
	env.CheckFault(t, tx.Hash(), "caller is not the owner")
}

func TestRedeliverTxDeliversExpiry(t *testing.T) {
	env := bindingtest.New(t, 1)
	gw := NewGateway(env, env.Gateway)
	id := env.RequestRandom(1)
	env.AddNewBlock(t)

	tx, err := gw.ExpireTx(env.Maker(env.User), id)
	require.NoError(t, err)
	env.Send(tx)
	req, err := gw.Request(id)
	require.NoError(t, err)
	require.Equal(t, StatusExpired, req.Status)
	require.Equal(t, result.Expired, req.Code)
	require.False(t, req.CallbackOK, "expire calls no callback")

	tx, err = gw.RedeliverTx(env.Maker(env.User), id)
	require.NoError(t, err)
	env.Send(tx)
	req, err = gw.Request(id)
	require.NoError(t, err)
	require.True(t, req.CallbackOK, "redeliver delivered the expiry")
	code, err := env.Call(env.Lottery, "code", id)
	require.NoError(t, err)
	require.Equal(t, stackitem.Make(int64(result.Expired)), code.Stack[0])
}

func TestDecodeServiceKeyEntryRejects(t *testing.T) {
	pub := bytes.Repeat([]byte{2}, 33)
	tests := []struct {
		name    string
		item    stackitem.Item
		wantErr string
	}{
		{name: "not an array", item: stackitem.Make(1), wantErr: "want an array"},
		{name: "short array", item: stackitem.Make([]any{pub, []byte{1}}), wantErr: "got 2 fields, want 3"},
		{name: "invalid key", item: stackitem.Make([]any{[]byte{9, 9}, []byte{1}, 5}), wantErr: "field pubkey"},
		{name: "negative since", item: stackitem.Make([]any{pub, []byte{1}, -1}), wantErr: "field since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeServiceKeyEntry(tc.item)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
