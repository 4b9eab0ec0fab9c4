package mesh

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// problemTypePrefix starts the type URI of every problem the mesh sends.
const problemTypePrefix = "urn:servicelayer:problem:"

// maxDetailBytes caps the detail text kept from a decoded problem, so a
// misbehaving upstream cannot flood the caller's logs.
const maxDetailBytes = 512

// Code is a stable snake_case problem code. A Code is also an error, so a
// service declares sentinels such as
//
//	const ErrLeaseExpired = mesh.Code("lease_expired")
//
// and callers match a decoded *Error with errors.Is(err, ErrLeaseExpired).
type Code string

// Error returns the code itself.
func (c Code) Error() string {
	return string(c)
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Valid reports whether c is 1 to 64 characters of [a-z0-9_] starting with
// a letter.
func (c Code) Valid() bool {
	return codePattern.MatchString(string(c))
}

// Error is a problem that crosses the mesh. A handler returns one to choose
// the status, code and detail sent to the caller. The client returns one for
// every failed call, with Upstream and Route set. Error matches its Code
// with errors.Is and unwraps to Err.
type Error struct {
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Code is the stable machine-readable code.
	Code Code
	// Detail is a message safe to show to the caller.
	Detail string
	// Service is the service that produced the problem.
	Service string
	// Upstream is the service that was called. The client sets it, and
	// an empty Upstream marks an error made by the local service.
	Upstream string
	// Route is the route called, "METHOD /path". The client sets it.
	Route string
	// Err is the local cause, such as a transport or context error. It
	// never crosses the wire.
	Err error
}

// NewError returns a problem with the given status, code and safe detail.
func NewError(status int, code Code, detail string) *Error {
	return &Error{Status: status, Code: code, Detail: detail}
}

// Errorf returns a problem whose detail is formatted from format and args.
// The detail is sent to the caller, so it must hold nothing secret.
func Errorf(status int, code Code, format string, args ...any) *Error {
	return NewError(status, code, fmt.Sprintf(format, args...))
}

// Error formats the problem, naming the upstream and route when known:
// "accountpool POST /v1/lease: lease_expired (410): lease 7 expired".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Upstream != "" {
		b.WriteString(e.Upstream + " " + e.Route + ": ")
	}
	b.WriteString(string(e.Code))
	if e.Status != 0 {
		b.WriteString(" (" + strconv.Itoa(e.Status) + ")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}

	return b.String()
}

// Is reports whether target is the Code of e.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap returns the local cause.
func (e *Error) Unwrap() error {
	return e.Err
}

// problem is the RFC 9457 body with the mesh's extension members.
type problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail,omitempty"`
	Code    string `json:"code"`
	Service string `json:"service"`
}

// writeProblem sends e as application/problem+json, naming service as its
// producer.
func writeProblem(w http.ResponseWriter, e *Error, service string) {
	body := encodeProblem(e, service)
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

func encodeProblem(e *Error, service string) []byte {
	p := problem{
		Type:    problemTypePrefix + string(e.Code),
		Title:   http.StatusText(e.Status),
		Status:  e.Status,
		Detail:  e.Detail,
		Code:    string(e.Code),
		Service: service,
	}
	// Marshalling a struct of strings and an int cannot fail.
	body, _ := json.Marshal(p)

	return body
}

// decodeProblem turns a non-2xx response into an *Error. The HTTP status
// is authoritative over the body's. A body that is not a valid problem
// becomes ErrBadResponse, an invalid code becomes ErrBadResponse too, and
// detail text is cut to maxDetailBytes with control characters replaced.
func decodeProblem(status int, contentType string, body []byte) *Error {
	e := &Error{Status: status, Code: ErrBadResponse}

	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != ProblemContentType {
		e.Detail = fmt.Sprintf("non-problem response, content type %q", cleanText(contentType, 64))
		return e
	}

	var p problem
	if err := json.Unmarshal(body, &p); err != nil {
		e.Detail = "invalid problem body"
		return e
	}

	if Code(p.Code).Valid() {
		e.Code = Code(p.Code)
	} else {
		e.Detail = "problem with an invalid code"
		return e
	}
	if ValidateServiceName(p.Service) == nil {
		e.Service = p.Service
	}
	e.Detail = cleanText(p.Detail, maxDetailBytes)

	return e
}

// cleanText cuts s to at most n bytes on a rune boundary and replaces
// control characters and invalid UTF-8 with '?'.
func cleanText(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			r = '?'
		}
		if b.Len()+utf8.RuneLen(r) > n {
			break
		}
		b.WriteRune(r)
	}

	return b.String()
}

// ErrorMapping pairs one of a service's sentinel errors with the status
// and stable code it crosses the mesh as.
type ErrorMapping struct {
	Err    error
	Status int
	Code   Code
}

// MapError returns err as an *Error with the status and code of the first
// mapping whose Err it wraps, its message as the detail and err as the
// local cause. An error that matches no mapping is returned unchanged and
// reaches the caller as 500 internal. Use it only for errors whose messages
// are safe to show the caller.
func MapError(err error, mappings []ErrorMapping) error {
	for _, m := range mappings {
		if errors.Is(err, m.Err) {
			return &Error{Status: m.Status, Code: m.Code, Detail: err.Error(), Err: err}
		}
	}
	return err
}
