package vrf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

const (
	// MaxWords is the largest number of words one request may ask for.
	MaxWords = 500
	// WordSize is the length of one random word in bytes.
	WordSize = 32
	// maxPayloadBytes bounds the request payload before it is parsed.
	maxPayloadBytes = 1024
)

// ErrInvalidPayload marks a request payload that cannot be served. The
// request is answered with result.PayloadInvalid and the error text.
var ErrInvalidPayload = errors.New("invalid vrf payload")

// Payload is the decoded body of a VRF request: {"words": N}.
type Payload struct {
	// Words is the number of 32-byte random words requested, 1 to MaxWords.
	Words int `json:"words"`
}

// ParsePayload decodes and validates a request payload. Unknown fields,
// trailing data, a missing or out-of-range word count are rejected with an
// error wrapping ErrInvalidPayload.
func ParsePayload(raw []byte) (Payload, error) {
	if len(raw) == 0 {
		return Payload{}, fmt.Errorf("%w: empty payload, want {\"words\": N}", ErrInvalidPayload)
	}
	if len(raw) > maxPayloadBytes {
		return Payload{}, fmt.Errorf("%w: payload is %d bytes, max %d", ErrInvalidPayload, len(raw), maxPayloadBytes)
	}

	var body struct {
		Words json.RawMessage `json:"words"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return Payload{}, fmt.Errorf("%w: %v", ErrInvalidPayload, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Payload{}, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalidPayload)
	}
	if body.Words == nil {
		return Payload{}, fmt.Errorf("%w: missing \"words\"", ErrInvalidPayload)
	}

	// A JSON string such as "3" also decodes into json.Number, so the raw
	// token is decoded again and must be a bare number.
	var count json.Number
	if c := body.Words[0]; c != '-' && (c < '0' || c > '9') {
		return Payload{}, fmt.Errorf("%w: \"words\" is %s, want an integer", ErrInvalidPayload, body.Words)
	}
	if err := json.Unmarshal(body.Words, &count); err != nil {
		return Payload{}, fmt.Errorf("%w: \"words\": %v", ErrInvalidPayload, err)
	}
	n, err := count.Int64()
	if err != nil {
		return Payload{}, fmt.Errorf("%w: \"words\" is %s, want an integer", ErrInvalidPayload, count)
	}
	if n < 1 || n > MaxWords {
		return Payload{}, fmt.Errorf("%w: \"words\" is %d, want 1 to %d", ErrInvalidPayload, n, MaxWords)
	}
	return Payload{Words: int(n)}, nil
}
