package devstack

import (
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/neo-service-layer/servicelayer/services/secrets"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// newSecrets opens the Secrets service's database and master key and
// builds the service with its mesh server.
func (s *Stack) newSecrets(ctx context.Context) (service, error) {
	var key secrets.MasterKey
	var err error
	if s.cfg.Marble != nil {
		key, err = marbleMasterKey(s.cfg.Marble)
	} else {
		key, err = loadOrCreateMasterKey(filepath.Join(s.cfg.DataDir, "keys", "secrets.key"))
	}
	if err != nil {
		return service{}, err
	}
	db, err := s.openDB(ctx, secretsapi.ServiceName, secrets.Migrate)
	if err != nil {
		return service{}, err
	}

	svc, err := secrets.New(secrets.Config{DB: db, MasterKey: key, Log: s.cfg.Log})
	if err != nil {
		db.Close()
		return service{}, err
	}
	// A broken audit chain means someone edited the database behind the
	// service's back. The service still starts, so owners keep access,
	// but the break is reported on every start until it is investigated.
	if err := svc.VerifyAudit(ctx); err != nil {
		s.cfg.Log.Error("secrets audit log does not verify: entries were changed or removed", "error", err)
	} else {
		s.logger("secrets").Info("secrets audit log verified")
	}
	srv, err := s.meshServer(secretsapi.ServiceName, svc.Endpoints())
	if err != nil {
		db.Close()
		return service{}, err
	}
	return service{
		name:  secretsapi.ServiceName,
		run:   srv.Run,
		close: db.Close,
		build: s.newSecrets,
	}, nil
}

// loadOrCreateMasterKey reads the Secrets master key from path, creating
// a random one with mode 0600 on first start. Dev only: production keys
// come from the enclave's secret store.
func loadOrCreateMasterKey(path string) (secrets.MasterKey, error) {
	key, err := secrets.LoadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return secrets.CreateKeyFile(path, rand.Reader)
	}
	return key, err
}
