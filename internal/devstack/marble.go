package devstack

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/pkg/crypto/keys"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/actor"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/vmstate"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/devnet"
	"github.com/neo-service-layer/servicelayer/internal/ecvrf"
	"github.com/neo-service-layer/servicelayer/internal/enclave"
	"github.com/neo-service-layer/servicelayer/services/accountpool"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	"github.com/neo-service-layer/servicelayer/services/secrets"
	"github.com/neo-service-layer/servicelayer/services/vrf"
)

// Labels that turn a marble's raw secrets into P-256 keys.
const (
	labelVRFSigning    = "vrf/signing"
	labelVRFProving    = "vrf/proving"
	labelOracleSigning = "oracle/signing"
)

// marbleServiceKeys derives the keys of the Gateway-backed service the
// marble runs from the secrets the coordinator gave it. The key set holds
// only that service's keys.
func marbleServiceKeys(m *enclave.Marble) (serviceKeySet, error) {
	var set serviceKeySet
	switch m.Service() {
	case vrf.ServiceName:
		sign, err := marbleKey(m, "signing_key", labelVRFSigning)
		if err != nil {
			return set, err
		}
		raw, err := m.Secret("vrf_key")
		if err != nil {
			return set, err
		}
		scalar, err := enclave.DeriveP256Scalar(raw, labelVRFProving)
		if err != nil {
			return set, err
		}
		vrfKey, err := ecvrf.NewPrivateKey(scalar)
		if err != nil {
			return set, fmt.Errorf("vrf key: %w", err)
		}
		set.vrf = serviceKeys{Sign: sign, VRF: vrfKey}
	case oracle.ServiceName:
		sign, err := marbleKey(m, "signing_key", labelOracleSigning)
		if err != nil {
			return set, err
		}
		set.oracle = sign
	}
	return set, nil
}

func marbleKey(m *enclave.Marble, secret, label string) (*keys.PrivateKey, error) {
	raw, err := m.Secret(secret)
	if err != nil {
		return nil, err
	}
	scalar, err := enclave.DeriveP256Scalar(raw, label)
	if err != nil {
		return nil, err
	}
	key, err := keys.NewPrivateKeyFromBytes(scalar)
	if err != nil {
		return nil, fmt.Errorf("%s key: %w", label, err)
	}
	return key, nil
}

// marbleSeed returns AccountPool's master seed from the marble's secrets.
func marbleSeed(m *enclave.Marble) (accountpool.Seed, error) {
	raw, err := m.Secret("seed")
	if err != nil {
		return accountpool.Seed{}, err
	}
	return accountpool.NewSeed(raw)
}

// marbleMasterKey returns the Secrets master key from the marble's
// secrets.
func marbleMasterKey(m *enclave.Marble) (secrets.MasterKey, error) {
	raw, err := m.Secret("master_key")
	if err != nil {
		return secrets.MasterKey{}, err
	}
	return secrets.NewMasterKey(raw)
}

// registerMarbleKeys registers the marble's service key on the Gateway,
// with the hash of its attestation evidence, and for VRF publishes the VRF
// public key, signing as the dev chain's committee (the Gateway owner).
// It is a dev cluster convenience: on a real network the owner registers
// the keys the marbles report. It sends nothing when the keys are already
// in force.
func (s *Stack) registerMarbleKeys(ctx context.Context, m *enclave.Marble, set serviceKeySet) error {
	var (
		service string
		pub     *keys.PublicKey
		vrfPub  []byte
	)
	switch {
	case set.vrf.Sign != nil:
		service, pub, vrfPub = vrf.ServiceName, set.vrf.Sign.PublicKey(), set.vrf.VRF.Public().Bytes()
	case set.oracle != nil:
		service, pub = oracle.ServiceName, set.oracle.PublicKey()
	default:
		return nil
	}

	gw := binding.NewGateway(invoker.New(s.net.client, nil), s.gateway)
	current, err := gw.ServiceKey(service)
	keyDone := err == nil && current.Equal(pub)
	data, err := gw.ServiceData(service, binding.DataVRFPublicKey)
	dataDone := vrfPub == nil || (err == nil && string(data) == string(vrfPub))
	if keyDone && dataDone {
		return nil
	}
	if s.cfg.External != nil {
		// Only the Gateway owner may register keys on a real network.
		evidence, err := m.Attest(pub.Bytes())
		if err != nil {
			return fmt.Errorf("attest %s key: %w", service, err)
		}
		hash := evidence.Hash()
		s.cfg.Log.Warn("service key not registered on the Gateway: the owner must call registerServiceKey "+
			"(and setServiceData for the VRF key) before this service can fulfil",
			"service", service, "public_key", pub.StringCompressed(), "evidence_sha256", fmt.Sprintf("%x", hash[:]),
			"vrf_public_key", fmt.Sprintf("%x", vrfPub))
		return nil
	}

	committee, err := devnet.LoadCommittee(filepath.Join(s.cfg.DataDir, "chain"))
	if err != nil {
		return err
	}
	act, err := actor.NewSimple(s.net.client, committee)
	if err != nil {
		return fmt.Errorf("make committee actor: %w", err)
	}
	if !keyDone {
		evidence, err := m.Attest(pub.Bytes())
		if err != nil {
			return fmt.Errorf("attest %s key: %w", service, err)
		}
		hash := evidence.Hash()
		if err := sendAndWait(ctx, act, s.gateway, "registerServiceKey", service, pub.Bytes(), hash[:]); err != nil {
			return fmt.Errorf("register %s marble key: %w", service, err)
		}
		s.cfg.Log.Info("marble service key registered", "service", service, "public_key", pub.StringCompressed(),
			"evidence_sha256", fmt.Sprintf("%x", hash[:]))
	}
	if !dataDone {
		if err := sendAndWait(ctx, act, s.gateway, "setServiceData", service, binding.DataVRFPublicKey, vrfPub); err != nil {
			return fmt.Errorf("publish %s vrf key: %w", service, err)
		}
	}
	return nil
}

func sendAndWait(ctx context.Context, act *actor.Actor, contract util.Uint160, method string, args ...any) error {
	h, vub, err := act.SendCall(contract, method, args...)
	res, err := act.Wait(ctx, h, vub, err)
	if err != nil {
		return err
	}
	if res.VMState != vmstate.Halt {
		return fmt.Errorf("%s faulted: %s", method, res.FaultException)
	}
	return nil
}
