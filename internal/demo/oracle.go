package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient/unwrap"

	"github.com/neo-service-layer/servicelayer/internal/result"
	"github.com/neo-service-layer/servicelayer/services/oracle"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// APIKeyPrefix starts the API key that the oracle.post_secret step stores
// as a secret and the demo server requires. The rest of the key is 32
// random hex digits per run. Tests search logs for the prefix to check
// that the value never appears there.
const APIKeyPrefix = "sl-demo-api-key-"

// demoSecretName is the name the API key is stored under.
const demoSecretName = "demo_api_key"

// forbiddenURL is a private address the oracle must reject before it
// connects.
const forbiddenURL = "https://10.0.0.1/v1/price"

// oracleStepNames lists the oracle steps in the order they run.
var oracleStepNames = []string{
	"oracle.get_filter", "oracle.post_secret", "oracle.filter_error", "oracle.forbidden", "oracle.too_large",
}

// oraclePayload is the JSON payload of an oracle request.
type oraclePayload struct {
	URL     string            `json:"url"`
	Method  string            `json:"method,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	Filter  string            `json:"filter,omitempty"`
	Secrets *payloadSecrets   `json:"secrets,omitempty"`
}

type payloadSecrets struct {
	Owner string `json:"owner"`
}

// oracleSteps starts an HTTPS server on 127.0.0.1 with a certificate from
// the dev CA and runs every oracle step against it through the oracle
// consumer contract.
func (t *tour) oracleSteps(ctx context.Context) []Step {
	started := time.Now()
	if t.env.ServerCA == nil || t.env.Secrets == nil {
		return failSteps(oracleStepNames, started, errors.New("the stack provides no demo CA or Secrets client"))
	}
	apiKey, err := newAPIKey()
	if err != nil {
		return failSteps(oracleStepNames, started, err)
	}
	srv, err := startAPIServer(t.env.ServerCA, apiKey, t.log())
	if err != nil {
		return failSteps(oracleStepNames, started, err)
	}
	defer srv.Close()

	return []Step{
		t.oracleGetFilter(ctx, srv),
		t.oraclePostSecret(ctx, srv),
		t.oracleFilterError(ctx, srv),
		t.oracleForbidden(ctx),
		t.oracleTooLarge(ctx, srv),
	}
}

// oracleGetFilter fetches prices with more digits than a float64 holds and
// checks that the filter returns them digit for digit.
func (t *tour) oracleGetFilter(ctx context.Context, srv *apiServer) Step {
	const filter = "$.sources[*].price"
	const want = `[4.1000000000000000055511,4.12345678901234567890123]`
	p := oraclePayload{URL: srv.url(pathPrice), Filter: filter}

	return t.oracleStep(ctx, "oracle.get_filter", p, result.Success, func(res []byte) (string, error) {
		if string(res) != want {
			return "", fmt.Errorf("result %s, want %s", res, want)
		}
		return fmt.Sprintf("GET %s with filter %s returned %s", pathPrice, filter, res), nil
	})
}

// oraclePostSecret stores the server's API key as a secret of the user,
// grants it to the oracle service and the consumer contract, and sends a
// POST whose header references it. The server accepts the request only
// with the right key.
func (t *tour) oraclePostSecret(ctx context.Context, srv *apiServer) Step {
	const name = "oracle.post_secret"
	started := time.Now()
	version, err := t.storeSecret(ctx, srv.apiKey)
	if err != nil {
		return stepError(Step{Name: name, Service: oracle.ServiceName}, started, err)
	}

	p := oraclePayload{
		URL:     srv.url(pathQuote),
		Method:  http.MethodPost,
		Headers: map[string]string{apiKeyHeader: "{{secret:" + demoSecretName + "}}", "Content-Type": "application/json"},
		Body:    `{"pair":"NEO/GAS","amount":"25"}`,
		Filter:  "$.quote",
		Secrets: &payloadSecrets{Owner: t.env.User.Address},
	}
	want := `[{"pair":"NEO/GAS","amount":"25","price":"` + quotePrice + `"}]`
	accepted, rejected := srv.quotesAccepted.Load(), srv.quotesRejected.Load()

	return t.oracleStep(ctx, name, p, result.Success, func(res []byte) (string, error) {
		if string(res) != want {
			return "", fmt.Errorf("result %s, want %s", res, want)
		}
		if got := srv.quotesAccepted.Load() - accepted; got != 1 {
			return "", fmt.Errorf("server accepted %d quote requests, want 1", got)
		}
		if got := srv.quotesRejected.Load() - rejected; got != 0 {
			return "", fmt.Errorf("server rejected %d quote requests, want 0", got)
		}
		if bytes.Contains(res, []byte(srv.apiKey)) {
			return "", errors.New("result contains the API key")
		}
		return fmt.Sprintf("secret %s v%d of %s granted to %s and consumer %s; server accepted the key; result %s",
			demoSecretName, version, t.env.User.Address, oracle.ServiceName, t.env.OracleConsumer.StringLE(), res), nil
	})
}

// storeSecret stores value as the user's demo secret through the Secrets
// owner routes and grants the oracle service and the consumer contract
// access. It returns the stored version.
func (t *tour) storeSecret(ctx context.Context, value string) (uint64, error) {
	owner := t.env.User.ScriptHash()
	version, err := t.env.Secrets.Put(ctx, owner, demoSecretName, []byte(value))
	if err != nil {
		return 0, fmt.Errorf("store secret %s: %w", demoSecretName, err)
	}
	subjects := []secretsapi.Subject{
		secretsapi.ServiceSubject(oracle.ServiceName),
		secretsapi.ContractSubject(t.env.OracleConsumer),
	}
	for _, subject := range subjects {
		if err := t.env.Secrets.Grant(ctx, owner, demoSecretName, subject); err != nil {
			return 0, fmt.Errorf("grant secret %s: %w", demoSecretName, err)
		}
	}
	return version, nil
}

// oracleFilterError applies a JSON filter to a plain text response, which
// must come back as FilterError.
func (t *tour) oracleFilterError(ctx context.Context, srv *apiServer) Step {
	p := oraclePayload{URL: srv.url(pathStatus), Filter: "$.status"}
	return t.oracleStep(ctx, "oracle.filter_error", p, result.FilterError, func(res []byte) (string, error) {
		return fmt.Sprintf("filter $.status on a text response; reason delivered: %s", res), nil
	})
}

// oracleForbidden requests a private address, which the oracle must
// reject before it connects.
func (t *tour) oracleForbidden(ctx context.Context) Step {
	p := oraclePayload{URL: forbiddenURL}
	return t.oracleStep(ctx, "oracle.forbidden", p, result.Forbidden, func(res []byte) (string, error) {
		if string(res) != "forbidden address" {
			return "", fmt.Errorf("reason %q, want %q", res, "forbidden address")
		}
		return fmt.Sprintf("%s rejected before connecting: %s", forbiddenURL, res), nil
	})
}

// oracleTooLarge fetches a response over the oracle's size cap.
func (t *tour) oracleTooLarge(ctx context.Context, srv *apiServer) Step {
	served := srv.historyServed.Load()
	p := oraclePayload{URL: srv.url(pathHistory)}
	return t.oracleStep(ctx, "oracle.too_large", p, result.ResponseTooLarge, func(res []byte) (string, error) {
		if srv.historyServed.Load() == served {
			return "", fmt.Errorf("server saw no request for %s", pathHistory)
		}
		return fmt.Sprintf("%d-byte response over the 64 KiB cap; reason delivered: %s", historyBytes, res), nil
	})
}

// oracleStep sends p through the consumer contract, waits for the
// fulfilment and checks that it has code want, that the consumer stored
// what the Gateway recorded, and that check passes. check returns the
// step detail.
func (t *tour) oracleStep(ctx context.Context, name string, p oraclePayload, want result.Code,
	check func(res []byte) (string, error),
) Step {
	s := Step{Name: name, Service: oracle.ServiceName}
	started := time.Now()

	payload, err := encodePayload(p)
	if err != nil {
		return stepError(s, started, err)
	}
	fl, err := t.callAndWait(ctx, &s, t.env.OracleConsumer, "request", payload)
	if err != nil {
		return stepError(s, started, err)
	}
	if fl.req.Code != want {
		return stepError(s, started, fmt.Errorf("code %s (%s), want %s", fl.req.Code, fl.req.Result, want))
	}
	if err := t.checkConsumer(fl); err != nil {
		return stepError(s, started, err)
	}
	detail, err := check(fl.req.Result)
	if err != nil {
		return stepError(s, started, err)
	}
	if err := checkLatency(s); err != nil {
		return stepError(s, started, err)
	}

	s.OK = true
	s.Detail = detail
	return s
}

// checkConsumer checks that the consumer's callback stored the code and
// result the Gateway recorded for fl.
func (t *tour) checkConsumer(fl fulfilled) error {
	code, err := unwrap.Int64(t.inv.Call(t.env.OracleConsumer, "code", fl.id))
	if err != nil {
		return fmt.Errorf("read consumer code: %w", err)
	}
	if result.Code(code) != fl.req.Code {
		return fmt.Errorf("consumer stored code %d, gateway recorded %d", code, fl.req.Code)
	}
	res, err := unwrap.Bytes(t.inv.Call(t.env.OracleConsumer, "result", fl.id))
	if err != nil {
		return fmt.Errorf("read consumer result: %w", err)
	}
	if !bytes.Equal(res, fl.req.Result) {
		return fmt.Errorf("consumer stored result %q, gateway recorded %q", res, fl.req.Result)
	}
	return nil
}

// encodePayload encodes p without HTML escaping, so the payload on chain
// reads as written.
func encodePayload(p oraclePayload) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode oracle payload: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// newAPIKey returns APIKeyPrefix and 32 random hex digits.
func newAPIKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate demo API key: %w", err)
	}
	return APIKeyPrefix + hex.EncodeToString(b), nil
}

// failSteps returns every step in names as failed with err.
func failSteps(names []string, started time.Time, err error) []Step {
	steps := make([]Step, len(names))
	for i, name := range names {
		steps[i] = stepError(Step{Name: name, Service: oracle.ServiceName}, started, err)
	}
	return steps
}
