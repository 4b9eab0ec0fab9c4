package devstack

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"

	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
)

// serviceKeys are one service's keys: Sign signs results (its public key
// is registered on the Gateway and signs fulfil transactions) and VRF
// proves randomness.
type serviceKeys struct {
	Sign *keys.PrivateKey
	VRF  *ecvrf.PrivateKey
}

// keyFile is the on-disk form of serviceKeys, mode 0600. Dev keys only.
type keyFile struct {
	SignWIF   string `json:"sign_wif"`
	VRFScalar string `json:"vrf_scalar"`
}

// loadOrCreateKeys reads the service's keys from path, or creates and
// stores new ones when the file does not exist.
func loadOrCreateKeys(path string) (serviceKeys, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeys(path)
	}
	if err != nil {
		return serviceKeys{}, fmt.Errorf("read keys: %w", err)
	}

	var kf keyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		return serviceKeys{}, fmt.Errorf("parse keys in %s: %w", path, err)
	}
	sign, err := keys.NewPrivateKeyFromWIF(kf.SignWIF)
	if err != nil {
		return serviceKeys{}, fmt.Errorf("signing key in %s: %w", path, err)
	}
	scalar, err := hex.DecodeString(kf.VRFScalar)
	if err != nil {
		return serviceKeys{}, fmt.Errorf("vrf key in %s: %w", path, err)
	}
	vrfKey, err := ecvrf.NewPrivateKey(scalar)
	if err != nil {
		return serviceKeys{}, fmt.Errorf("vrf key in %s: %w", path, err)
	}
	return serviceKeys{Sign: sign, VRF: vrfKey}, nil
}

func createKeys(path string) (serviceKeys, error) {
	sign, err := keys.NewPrivateKey()
	if err != nil {
		return serviceKeys{}, fmt.Errorf("generate signing key: %w", err)
	}
	vrfKey, err := ecvrf.GenerateKey(rand.Reader)
	if err != nil {
		return serviceKeys{}, fmt.Errorf("generate vrf key: %w", err)
	}
	kf := keyFile{SignWIF: sign.WIF(), VRFScalar: hex.EncodeToString(vrfKey.Bytes())}
	raw, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return serviceKeys{}, fmt.Errorf("encode keys: %w", err)
	}
	if err := writeFileAtomic(path, raw, 0o600); err != nil {
		return serviceKeys{}, fmt.Errorf("write keys: %w", err)
	}
	return serviceKeys{Sign: sign, VRF: vrfKey}, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so a crash leaves either the old file or the new one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())

	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
