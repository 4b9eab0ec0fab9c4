package secrets_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/services/secrets"
)

func TestMasterKeyRedacts(t *testing.T) {
	raw := bytes.Repeat([]byte{0x5a}, secrets.KeySize)
	key, err := secrets.NewMasterKey(raw)
	require.NoError(t, err)
	value := secretValue(t, "hunter2-value")

	for _, item := range []any{key, &key, value, &value} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
			got := fmt.Sprintf(verb, item)
			require.NotContains(t, got, "5a5a", "verb %s printed key bytes", verb)
			require.NotContains(t, got, "hunter2", "verb %s printed the value", verb)
			require.NotContains(t, got, "90", "verb %s printed a decimal byte", verb)
		}
	}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "key", key, "value", value)
	require.Contains(t, logged.String(), `"key":"[redacted]"`)
	require.Contains(t, logged.String(), `"value":"[redacted]"`)

	encoded, err := json.Marshal(map[string]any{"key": key, "value": value})
	require.NoError(t, err)
	require.JSONEq(t, `{"key":"[redacted]","value":"[redacted]"}`, string(encoded))
}

func TestMasterKeyID(t *testing.T) {
	a, err := secrets.NewMasterKey(bytes.Repeat([]byte{1}, secrets.KeySize))
	require.NoError(t, err)
	b, err := secrets.NewMasterKey(bytes.Repeat([]byte{2}, secrets.KeySize))
	require.NoError(t, err)

	require.Len(t, a.ID(), 16)
	require.NotEqual(t, a.ID(), b.ID())
	require.NotContains(t, hex.EncodeToString(bytes.Repeat([]byte{1}, secrets.KeySize)), a.ID())
}

func TestNewMasterKeyRejectsSize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		_, err := secrets.NewMasterKey(make([]byte, n))
		require.ErrorContains(t, err, "want 32", "size %d", n)
	}
}

func TestKeyFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.key")
	created, err := secrets.CreateKeyFile(path, rand.Reader)
	require.NoError(t, err)

	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	loaded, err := secrets.LoadKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, created.ID(), loaded.ID())

	_, err = secrets.CreateKeyFile(path, rand.Reader)
	require.ErrorIs(t, err, os.ErrExist, "an existing key must never be replaced")
	again, err := secrets.LoadKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, created.ID(), again.ID())
}

func TestLoadKeyFileRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		mode os.FileMode
		want string
	}{
		{name: "group readable", data: make([]byte, 32), mode: 0o640, want: "want 0600"},
		{name: "world readable", data: make([]byte, 32), mode: 0o604, want: "want 0600"},
		{name: "short", data: make([]byte, 31), mode: 0o600, want: "exactly 32 bytes"},
		{name: "long", data: make([]byte, 33), mode: 0o600, want: "exactly 32 bytes"},
		{name: "hex text", data: []byte(hex.EncodeToString(make([]byte, 32))), mode: 0o600, want: "exactly 32 bytes"},
		{name: "empty", data: nil, mode: 0o600, want: "exactly 32 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "secrets.key")
			require.NoError(t, os.WriteFile(path, tc.data, 0o600))
			require.NoError(t, os.Chmod(path, tc.mode))

			_, err := secrets.LoadKeyFile(path)
			require.ErrorContains(t, err, tc.want)
		})
	}

	_, err := secrets.LoadKeyFile(filepath.Join(t.TempDir(), "missing.key"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestNewRejectsMissingKey(t *testing.T) {
	f := newFixture(t)
	_, err := secrets.New(secrets.Config{DB: f.db})
	require.ErrorContains(t, err, "master key is missing")

	_, err = secrets.New(secrets.Config{MasterKey: f.key})
	require.ErrorContains(t, err, "db is missing")
}

// secretValue resolves a real Value, since only the service makes one.
func secretValue(t *testing.T, value string) secrets.Value {
	t.Helper()
	f := newFixture(t)
	f.put(t, ownerA, "v", value)
	f.allow(t, ownerA, "v", contractX)
	v, _, err := f.svc.Resolve(t.Context(), secrets.ResolveRequest{
		Service: "oracle", Owner: ownerA, Name: "v", Contract: contractX,
	})
	require.NoError(t, err)
	require.Equal(t, value, string(v.Bytes()))
	return v
}
