package enclave

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
)

// activateMethod is the gRPC method of MarbleRun's Marble service that
// activates a marble.
const activateMethod = "/rpc.Marble/Activate"

// Retry delays while the coordinator is unreachable.
const (
	firstRetryDelay = 100 * time.Millisecond
	maxRetryDelay   = 2 * time.Second
)

// activationRequest is MarbleRun's rpc.ActivationReq message.
type activationRequest struct {
	quote      []byte // field 1
	csr        []byte // field 2
	marbleType string // field 3
	uuid       string // field 4
}

// marshal returns the protobuf encoding of r.
func (r activationRequest) marshal() []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, r.quote)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendBytes(b, r.csr)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendString(b, r.marbleType)
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendString(b, r.uuid)

	return b
}

// activationParameters is MarbleRun's rpc.Parameters message: what the
// manifest gives the marble, with the coordinator's templates filled in.
type activationParameters struct {
	files map[string][]byte // field 1
	env   map[string][]byte // field 2
	argv  []string          // field 3
}

// parseActivationResponse decodes an rpc.ActivationResp message, whose
// field 1 is the Parameters. Unknown fields are skipped, as protobuf
// requires.
func parseActivationResponse(b []byte) (activationParameters, error) {
	params := activationParameters{files: map[string][]byte{}, env: map[string][]byte{}}
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, value []byte) error {
		if num != 1 || typ != protowire.BytesType {
			return nil
		}
		return walkFields(value, params.addField)
	})
	if err != nil {
		return activationParameters{}, fmt.Errorf("decode activation response: %w", err)
	}

	return params, nil
}

// addField adds one field of an rpc.Parameters message to p.
func (p *activationParameters) addField(num protowire.Number, typ protowire.Type, value []byte) error {
	if typ != protowire.BytesType {
		return nil
	}
	switch num {
	case 1, 2:
		key, val, err := parseMapEntry(value)
		if err != nil {
			return err
		}
		if num == 1 {
			p.files[key] = val
		} else {
			p.env[key] = val
		}
	case 3:
		p.argv = append(p.argv, string(value))
	}

	return nil
}

// parseMapEntry decodes one entry of a map<string, bytes> field.
func parseMapEntry(b []byte) (key string, value []byte, err error) {
	err = walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case typ != protowire.BytesType:
		case num == 1:
			key = string(v)
		case num == 2:
			value = slices.Clone(v)
		}
		return nil
	})

	return key, value, err
}

// walkFields calls fn for each field of the message b. For a
// length-delimited field, value is its content; for the other wire types
// it is nil.
func walkFields(b []byte, fn func(num protowire.Number, typ protowire.Type, value []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("field tag: %w", protowire.ParseError(n))
		}
		b = b[n:]

		var value []byte
		if typ == protowire.BytesType {
			value, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]

		if err := fn(num, typ, value); err != nil {
			return err
		}
	}

	return nil
}

// rawCodec passes encoded messages through gRPC unchanged. Its name is
// "proto", so the coordinator decodes them with its protobuf codec.
type rawCodec struct{}

// rawMessage is an encoded protobuf message.
type rawMessage struct {
	data []byte
}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(*rawMessage)
	if !ok {
		return nil, fmt.Errorf("marshal %T: not a raw message", v)
	}

	return m.data, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*rawMessage)
	if !ok {
		return fmt.Errorf("unmarshal into %T: not a raw message", v)
	}
	m.data = slices.Clone(data)

	return nil
}

// callActivate sends req to the coordinator at addr over TLS with the
// activation certificate and returns the encoded response. While the
// coordinator is unreachable it retries with growing delays until ctx
// ends. Every other failure returns at once.
func callActivate(ctx context.Context, addr string, cert tls.Certificate, req []byte, log *slog.Logger) ([]byte, error) {
	creds := credentials.NewTLS(&tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		// NOTE: like MarbleRun's own marble runtime, the marble does not
		// verify the coordinator, which verifies the marble's quote. An
		// attacker who can redirect this connection can give the marble a
		// forged mesh root and forged secrets.
		InsecureSkipVerify: true,
	})
	// gRPC's default reconnect backoff grows to 120 s. A shorter cap lets
	// a marble that waits for its coordinator connect soon after it is up.
	connectParams := grpc.ConnectParams{
		Backoff:           backoff.Config{BaseDelay: firstRetryDelay, Multiplier: 1.6, Jitter: 0.2, MaxDelay: maxRetryDelay},
		MinConnectTimeout: 5 * time.Second,
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds), grpc.WithConnectParams(connectParams))
	if err != nil {
		return nil, fmt.Errorf("connect to coordinator at %s: %w", addr, err)
	}
	defer conn.Close()

	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		var resp rawMessage
		err := conn.Invoke(ctx, activateMethod, &rawMessage{data: req}, &resp, grpc.ForceCodec(rawCodec{}))
		if err == nil {
			return resp.data, nil
		}

		if status.Code(err) != codes.Unavailable && ctx.Err() == nil {
			return nil, classifyActivationError(addr, err)
		}
		log.Debug("coordinator unreachable, retrying", "addr", addr, "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil, fmt.Errorf("activation canceled: %w", ctx.Err())
			}
			return nil, fmt.Errorf("%w at %s after %d attempts: %s", ErrCoordinatorUnreachable, addr, attempt, status.Convert(err).Message())
		case <-time.After(delay):
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// classifyActivationError maps the coordinator's gRPC status to the
// package's sentinel errors, keeping its message.
func classifyActivationError(addr string, err error) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.FailedPrecondition:
		return fmt.Errorf("%w: coordinator at %s: %s", ErrManifestNotSet, addr, st.Message())
	case codes.PermissionDenied, codes.InvalidArgument, codes.Unauthenticated:
		return fmt.Errorf("%w: coordinator at %s: %s", ErrActivationRejected, addr, st.Message())
	}

	return fmt.Errorf("activate with coordinator at %s: %s: %s", addr, st.Code(), st.Message())
}
