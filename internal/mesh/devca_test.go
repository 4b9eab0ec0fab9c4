package mesh_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestDevCACreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")

	_, err := mesh.NewDevCA(dir)
	require.NoError(t, err)

	info, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), info.Mode().Perm())
	for _, name := range []string{"mesh-ca.key", "mesh-ca.crt"} {
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}
}

func TestDevCAReloadsSameCA(t *testing.T) {
	dir := t.TempDir()
	first, err := mesh.NewDevCA(dir)
	require.NoError(t, err)

	second, err := mesh.NewDevCA(dir)
	require.NoError(t, err)
	require.True(t, first.Certificate().Equal(second.Certificate()))

	// A leaf from the reloaded CA verifies against the first CA's roots.
	cert, err := second.IssueCert("vrf")
	require.NoError(t, err)
	_, err = cert.Leaf.Verify(x509.VerifyOptions{
		Roots:     first.Roots(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	require.NoError(t, err)
}

func TestDevCARejectsHalfPresentFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := mesh.NewDevCA(dir)
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "mesh-ca.crt")))

	_, err = mesh.NewDevCA(dir)
	require.ErrorContains(t, err, "read dev CA certificate")
}

func TestDevCARejectsCorruptKey(t *testing.T) {
	dir := t.TempDir()
	_, err := mesh.NewDevCA(dir)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mesh-ca.key"), []byte("not pem"), 0o600))

	_, err = mesh.NewDevCA(dir)
	require.ErrorContains(t, err, "parse dev CA key")
}

func TestIssueCert(t *testing.T) {
	ca, err := mesh.NewDevCA(t.TempDir())
	require.NoError(t, err)

	cert, err := ca.IssueCert("accountpool")
	require.NoError(t, err)
	leaf := cert.Leaf

	id, err := mesh.SPIFFEIdentity(leaf)
	require.NoError(t, err)
	require.Equal(t, "accountpool", id)
	require.NoError(t, leaf.VerifyHostname("127.0.0.1"))
	require.NoError(t, leaf.VerifyHostname("::1"))
	require.NoError(t, leaf.VerifyHostname("localhost"))
	require.LessOrEqual(t, time.Until(leaf.NotAfter), 24*time.Hour)
	for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: ca.Roots(), KeyUsages: []x509.ExtKeyUsage{usage}})
		require.NoError(t, err)
	}
}

func TestIssueCertRejectsInvalidName(t *testing.T) {
	ca, err := mesh.NewDevCA(t.TempDir())
	require.NoError(t, err)

	_, err = ca.IssueCert("Bad Name")
	require.ErrorContains(t, err, "invalid service name")
}
