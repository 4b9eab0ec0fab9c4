package enclave

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadOrCreateUUID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "uuid")

	first, created, err := loadOrCreateUUID(path)
	require.NoError(t, err)
	require.True(t, created)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	second, created, err := loadOrCreateUUID(path)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, first, second)
}

func TestLoadOrCreateUUIDRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uuid")
	require.NoError(t, os.WriteFile(path, []byte("not a uuid"), 0o600))

	_, _, err := loadOrCreateUUID(path)
	require.ErrorContains(t, err, "parse marble UUID in "+path)
}
