package enclave

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
)

func TestActivationRequestMarshal(t *testing.T) {
	req := activationRequest{quote: []byte{1, 2}, csr: []byte{3}, marbleType: "vrf", uuid: "u-1"}

	got := map[protowire.Number]string{}
	err := walkFields(req.marshal(), func(num protowire.Number, typ protowire.Type, value []byte) error {
		require.Equal(t, protowire.BytesType, typ)
		got[num] = string(value)
		return nil
	})
	require.NoError(t, err)

	require.Equal(t, map[protowire.Number]string{1: "\x01\x02", 2: "\x03", 3: "vrf", 4: "u-1"}, got)
}

// mapEntry encodes one entry of a map<string, bytes> field.
func mapEntry(key, value string) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, key)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendString(b, value)

	return b
}

func appendBytesField(b []byte, num protowire.Number, value []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, value)
}

// activationResponse encodes an ActivationResp around params, with
// unknown fields of every wire type around and inside it.
func activationResponse(params []byte) []byte {
	var resp []byte
	resp = protowire.AppendTag(resp, 7, protowire.VarintType)
	resp = protowire.AppendVarint(resp, 300)
	resp = appendBytesField(resp, 1, params)
	resp = protowire.AppendTag(resp, 9, protowire.Fixed64Type)
	resp = protowire.AppendFixed64(resp, 1)

	return resp
}

func TestParseActivationResponse(t *testing.T) {
	var params []byte
	params = appendBytesField(params, 2, mapEntry("SL_SERVICE", "vrf"))
	params = appendBytesField(params, 2, mapEntry("EMPTY", ""))
	params = appendBytesField(params, 1, mapEntry("/etc/x", "file"))
	params = protowire.AppendTag(params, 5, protowire.Fixed32Type)
	params = protowire.AppendFixed32(params, 9)
	params = appendBytesField(params, 3, []byte("servicelayer"))
	params = appendBytesField(params, 3, []byte("serve"))

	got, err := parseActivationResponse(activationResponse(params))
	require.NoError(t, err)

	require.Equal(t, []byte("vrf"), got.env["SL_SERVICE"])
	require.Contains(t, got.env, "EMPTY")
	require.Empty(t, got.env["EMPTY"])
	require.Equal(t, map[string][]byte{"/etc/x": []byte("file")}, got.files)
	require.Equal(t, []string{"servicelayer", "serve"}, got.argv)
}

func TestParseActivationResponseRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{name: "truncated tag", data: []byte{0x80}},
		{name: "length past end", data: []byte{0x0a, 0x05, 0x01}},
		{name: "truncated parameters", data: appendBytesField(nil, 1, []byte{0x12, 0x09, 0x0a})},
		{name: "field number zero", data: []byte{0x02, 0x00}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseActivationResponse(tc.data)
			require.ErrorContains(t, err, "decode activation response")
		})
	}
}

func TestRawCodec(t *testing.T) {
	var codec rawCodec
	data, err := codec.Marshal(&rawMessage{data: []byte{1, 2}})
	require.NoError(t, err)
	require.Equal(t, []byte{1, 2}, data)

	var msg rawMessage
	require.NoError(t, codec.Unmarshal(data, &msg))
	data[0] = 9
	require.Equal(t, []byte{1, 2}, msg.data, "Unmarshal kept the caller's buffer")

	_, err = codec.Marshal("text")
	require.ErrorContains(t, err, "not a raw message")
	require.ErrorContains(t, codec.Unmarshal(nil, new(string)), "not a raw message")
	require.Equal(t, "proto", codec.Name())
}

func FuzzParseActivationResponse(f *testing.F) {
	f.Add(activationResponse(appendBytesField(nil, 2, mapEntry("K", "V"))))
	f.Add([]byte{0x0a, 0x02, 0x1a, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		params, err := parseActivationResponse(data)
		if err != nil {
			return
		}
		require.NotNil(t, params.env)
		require.NotNil(t, params.files)
	})
}
