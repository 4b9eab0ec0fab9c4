package enclave

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
)

// loadOrCreateUUID returns the marble UUID stored in path, or creates a
// random one and stores it (mode 0600), so a restarted marble keeps its
// identity at the coordinator.
func loadOrCreateUUID(path string) (uuid.UUID, bool, error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		id, err := uuid.Parse(strings.TrimSpace(string(raw)))
		if err != nil {
			return uuid.Nil, false, fmt.Errorf("parse marble UUID in %s: %w", path, err)
		}
		return id, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return uuid.Nil, false, fmt.Errorf("read marble UUID: %w", err)
	}

	id, err := uuid.NewRandom()
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("generate marble UUID: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return uuid.Nil, false, fmt.Errorf("create directory of marble UUID file: %w", err)
	}
	if err := writeFileAtomic(path, []byte(id.String()), 0o600); err != nil {
		return uuid.Nil, false, fmt.Errorf("store marble UUID: %w", err)
	}

	return id, true, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so a crash leaves no half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())

	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}

	return os.Rename(tmp.Name(), path)
}
