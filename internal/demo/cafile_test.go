package demo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServerCAPersists(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadOrCreateServerCA(dir)
	require.NoError(t, err)
	again, err := LoadOrCreateServerCA(dir)
	require.NoError(t, err)
	require.Equal(t, first.Certificate().Raw, again.Certificate().Raw)

	info, err := os.Stat(filepath.Join(dir, caKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestServerCARejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, caCertFile), []byte("junk"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, caKeyFile), []byte("junk"), 0o600))
	_, err := LoadOrCreateServerCA(dir)
	require.ErrorContains(t, err, "is not PEM")
}
