package binding

import (
	"testing"

	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"
)

func requestCreatedItem() []stackitem.Item {
	return []stackitem.Item{
		stackitem.Make(7),
		stackitem.Make("vrf"),
		stackitem.Make(util.Uint160{1}.BytesBE()),
		stackitem.Make([]byte(`{"words":3}`)),
		stackitem.Make(util.Uint160{2}.BytesBE()),
		stackitem.Make("onRandom"),
		stackitem.Make(112),
	}
}

func TestParseRequestCreated(t *testing.T) {
	ev, err := ParseRequestCreated(stackitem.NewArray(requestCreatedItem()))
	require.NoError(t, err)
	require.Equal(t, int64(7), ev.ID)
	require.Equal(t, "vrf", ev.Service)
	require.Equal(t, util.Uint160{1}, ev.Requester)
	require.Equal(t, []byte(`{"words":3}`), ev.Payload)
	require.Equal(t, util.Uint160{2}, ev.CallbackContract)
	require.Equal(t, "onRandom", ev.CallbackMethod)
	require.Equal(t, uint32(112), ev.ExpiresAt)
}

func TestParseRequestCreatedRejects(t *testing.T) {
	tests := []struct {
		name    string
		edit    func([]stackitem.Item) stackitem.Item
		wantErr string
	}{
		{name: "not an array", edit: func([]stackitem.Item) stackitem.Item { return stackitem.Make(1) }, wantErr: "want an array"},
		{name: "short array", edit: func(a []stackitem.Item) stackitem.Item { return stackitem.NewArray(a[:6]) }, wantErr: "got 6 fields"},
		{name: "zero id", edit: func(a []stackitem.Item) stackitem.Item {
			a[0] = stackitem.Make(0)
			return stackitem.NewArray(a)
		}, wantErr: "field id: value 0 out of range"},
		{name: "short hash", edit: func(a []stackitem.Item) stackitem.Item {
			a[2] = stackitem.Make([]byte{1, 2})
			return stackitem.NewArray(a)
		}, wantErr: "field requester"},
		{name: "map as payload", edit: func(a []stackitem.Item) stackitem.Item {
			a[3] = stackitem.NewMap()
			return stackitem.NewArray(a)
		}, wantErr: "field payload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRequestCreated(tc.edit(requestCreatedItem()))
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestDecodeRequest(t *testing.T) {
	fields := []stackitem.Item{
		stackitem.Make("vrf"),
		stackitem.Make(util.Uint160{1}.BytesBE()),
		stackitem.Make([]byte(`{"words":3}`)),
		stackitem.Make(util.Uint160{2}.BytesBE()),
		stackitem.Make("onRandom"),
		stackitem.Make(10),
		stackitem.Make(110),
		stackitem.Make(2),
		stackitem.Make(0x20),
		stackitem.NewBuffer([]byte("bad words")),
		stackitem.Make([]byte{1, 2}),
		stackitem.Make(11),
		stackitem.Make(true),
	}
	req, err := decodeRequest(stackitem.NewArray(fields))
	require.NoError(t, err)
	require.Equal(t, StatusFulfilled, req.Status)
	require.Equal(t, uint32(10), req.CreatedBlock)
	require.Equal(t, uint32(11), req.FulfilledBlock)
	require.Equal(t, []byte("bad words"), req.Result)
	require.True(t, req.CallbackOK)
	require.EqualValues(t, 0x20, req.Code)

	fields[7] = stackitem.Make(9)
	_, err = decodeRequest(stackitem.NewArray(fields))
	require.ErrorContains(t, err, "field status: value 9 out of range 0..3")
}

func FuzzParseRequestCreated(f *testing.F) {
	raw, err := stackitem.Serialize(stackitem.NewArray(requestCreatedItem()))
	require.NoError(f, err)
	f.Add(raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		item, err := stackitem.Deserialize(data)
		if err != nil {
			return
		}
		ev, err := ParseRequestCreated(item)
		if err != nil {
			return
		}
		require.GreaterOrEqual(t, ev.ID, int64(1))
	})
}

func TestParseHash160(t *testing.T) {
	want := util.Uint160{1, 2, 3}
	for _, in := range []string{want.StringLE(), "0x" + want.StringLE(), "0X" + want.StringLE()} {
		got, err := ParseHash160(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "0x", "0x12", "zz" + want.StringLE()[2:]} {
		_, err := ParseHash160(bad)
		require.ErrorContains(t, err, "invalid script hash", bad)
	}
}
