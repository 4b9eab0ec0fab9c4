package devstack

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"

	"github.com/neo-service-layer/servicelayer/contracts"
	"github.com/neo-service-layer/servicelayer/internal/demo"
	"github.com/neo-service-layer/servicelayer/internal/egress"
	"github.com/neo-service-layer/servicelayer/internal/mesh"
	"github.com/neo-service-layer/servicelayer/internal/responder"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// newOracle opens the oracle's database and builds the service: a
// responder whose fulfilments AccountPool accounts pay, and which
// resolves secrets through the Secrets service with the identity
// "oracle". key signs results and is registered on the Gateway.
func (s *Stack) newOracle(ctx context.Context, key *keys.PrivateKey) (service, error) {
	fetcher, err := s.oracleFetcher()
	if err != nil {
		return service{}, err
	}
	return s.newResponderService(ctx, responderSpec{
		name:        oracle.ServiceName,
		key:         key,
		concurrency: 32,
		answerer: func(meshClient *mesh.Client) (responder.Answerer, error) {
			secrets := oracle.NewMeshSecrets(secretsapi.NewClient(meshClient), s.cfg.Log)
			return oracle.NewAnswerer(fetcher, secrets)
		},
	})
}

// oracleFetcher builds the oracle's fetcher with the dev egress policy:
// loopback hosts are allowed, so the demo can serve on 127.0.0.1, and the
// demo server's CA is trusted next to the system roots. Every other
// address check still applies.
func (s *Stack) oracleFetcher() (*oracle.Fetcher, error) {
	if s.cfg.External != nil {
		// Not a dev chain: the production egress policy, system roots only
		// and no loopback or private hosts.
		client, err := egress.New(egress.Config{})
		if err != nil {
			return nil, err
		}
		return oracle.NewFetcher(oracle.FetcherDeps{Client: client, Logger: s.cfg.Log})
	}
	if s.demoCA == nil {
		ca, err := demo.NewServerCA()
		if err != nil {
			return nil, err
		}
		s.demoCA = ca
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		s.cfg.Log.Warn("system certificate pool unavailable, dev oracle trusts the demo CA only", "error", err)
		roots = x509.NewCertPool()
	}
	roots.AddCert(s.demoCA.Certificate())

	client, err := egress.New(egress.Config{AllowLoopback: true, RootCAs: roots})
	if err != nil {
		return nil, err
	}
	return oracle.NewFetcher(oracle.FetcherDeps{Client: client, Logger: s.cfg.Log})
}

// deployOracleConsumer deploys the example oracle consumer, owned by the
// dev user account.
func (s *Stack) deployOracleConsumer(ctx context.Context) error {
	user, err := s.chain.Account(userAccount)
	if err != nil {
		return err
	}
	nefFile, m, err := contracts.OracleConsumer()
	if err != nil {
		return err
	}
	s.oracleConsumer, err = s.chain.Deploy(ctx, "oracleconsumer", nefFile, m, []any{s.gateway, user.ScriptHash()})
	return err
}

// signKeyFile is the on-disk form of a service key for services that only
// sign, mode 0600. Dev keys only.
type signKeyFile struct {
	SignWIF string `json:"sign_wif"`
}

// loadOrCreateSignKey reads a service's signing key from path, or creates
// and stores a new one when the file does not exist.
func loadOrCreateSignKey(path string) (*keys.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createSignKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}

	var kf signKeyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		return nil, fmt.Errorf("parse signing key in %s: %w", path, err)
	}
	key, err := keys.NewPrivateKeyFromWIF(kf.SignWIF)
	if err != nil {
		return nil, fmt.Errorf("signing key in %s: %w", path, err)
	}
	return key, nil
}

func createSignKey(path string) (*keys.PrivateKey, error) {
	key, err := keys.NewPrivateKey()
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	raw, err := json.MarshalIndent(signKeyFile{SignWIF: key.WIF()}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode signing key: %w", err)
	}
	if err := writeFileAtomic(path, raw, 0o600); err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	return key, nil
}
