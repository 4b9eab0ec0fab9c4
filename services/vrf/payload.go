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

	words, err := decodeWordsField(raw)
	if err != nil {
		return Payload{}, err
	}
	if words == nil {
		return Payload{}, fmt.Errorf("%w: missing \"words\"", ErrInvalidPayload)
	}

	// A JSON string such as "3" also decodes into json.Number, so the raw
	// token is decoded again and must be a bare number.
	var count json.Number
	if c := words[0]; c != '-' && (c < '0' || c > '9') {
		return Payload{}, fmt.Errorf("%w: \"words\" is %s, want an integer", ErrInvalidPayload, words)
	}
	if err := json.Unmarshal(words, &count); err != nil {
		return Payload{}, fmt.Errorf("%w: \"words\" is not a number", ErrInvalidPayload)
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

// decodeWordsField reads the one member of the payload object and returns
// its raw value. Keys must match "words" exactly: encoding/json would also
// accept "WORDS" and let a repeated key win, and two readers of one
// payload must never disagree.
func decodeWordsField(raw []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: want a JSON object {\"words\": N}", ErrInvalidPayload)
	}

	var words json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: malformed JSON", ErrInvalidPayload)
		}
		key, _ := tok.(string)
		if key != "words" {
			return nil, fmt.Errorf("%w: unknown field %q, want only \"words\"", ErrInvalidPayload, key)
		}
		if words != nil {
			return nil, fmt.Errorf("%w: \"words\" appears twice", ErrInvalidPayload)
		}
		if err := dec.Decode(&words); err != nil {
			return nil, fmt.Errorf("%w: malformed JSON", ErrInvalidPayload)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%w: malformed JSON", ErrInvalidPayload)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalidPayload)
	}
	return words, nil
}
