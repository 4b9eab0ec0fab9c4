package oracle

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nspcc-dev/neo-go/pkg/encoding/address"
	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Payload limits. The Gateway contract caps a whole request payload at 800
// bytes today, so these bind only if that cap is raised.
const (
	MaxPayloadBytes     = 4096
	MaxURLBytes         = 1024
	MaxHeaders          = 16
	MaxHeaderNameBytes  = 64
	MaxHeaderValueBytes = 1024
	MaxBodyBytes        = 2048
	MaxSecretRefs       = 8
	// maxPayloadDepth allows the payload object and one nested object.
	maxPayloadDepth = 2
)

// ErrInvalidPayload marks a request payload that cannot be served. Such a
// request is fulfilled with result.PayloadInvalid.
var ErrInvalidPayload = errors.New("invalid oracle payload")

// Header is one request header. Value may contain secret references.
type Header struct {
	Name  string
	Value string
}

// Payload is the decoded body of an oracle request:
//
//	{"url": "https://api.example.com/v1/price?key={{secret:apikey}}",
//	 "method": "GET", "headers": {"Accept": "application/json"},
//	 "body": "", "filter": "$.price", "secrets": {"owner": "N..."}}
//
// Only "url" is required. Secret references may appear in the URL query,
// header values and the body, never in the scheme, host or path.
type Payload struct {
	// URL is the URL template.
	URL string
	// Method is GET (the default) or POST.
	Method string
	// Headers are the request headers in payload order, names unique
	// regardless of case.
	Headers []Header
	// Body is the request body template, only with POST.
	Body string
	// Filter is the compiled JSONPath filter, nil to return the response
	// body unchanged.
	Filter *Filter
	// SecretsOwner is the account whose secrets the references name. It
	// is set exactly when Refs is not empty.
	SecretsOwner util.Uint160
	// Refs are the distinct secret references of URL, Headers and Body.
	Refs []SecretRef

	url     Template
	headers []Template
	body    Template
}

// ParsePayload decodes and validates a request payload. Decoding is strict:
// unknown fields, repeated fields, wrong types, trailing data and values
// over the limits above are rejected with an error wrapping
// ErrInvalidPayload. A filter that does not compile is a *FilterError.
func ParsePayload(raw []byte) (*Payload, error) {
	if len(raw) == 0 {
		return nil, invalidf("empty payload")
	}
	if len(raw) > MaxPayloadBytes {
		return nil, invalidf("payload is %d bytes, max %d", len(raw), MaxPayloadBytes)
	}
	root, err := parseTree(raw, maxPayloadDepth)
	if err != nil {
		return nil, invalidf("%v", err)
	}
	if root.kind != kindObject {
		return nil, invalidf("payload is not a JSON object")
	}

	p := &Payload{Method: http.MethodGet}
	for i, name := range root.names {
		field := fieldDecoders[name]
		if field == nil {
			return nil, invalidf("unknown field %q", name)
		}
		if err := field(p, root.items[i]); err != nil {
			return nil, err
		}
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidPayload, fmt.Sprintf(format, args...))
}

// fieldDecoders decode one payload field each into p.
var fieldDecoders = map[string]func(p *Payload, n *node) error{
	"url":     decodeURL,
	"method":  decodeMethod,
	"headers": decodeHeaders,
	"body":    decodeBody,
	"filter":  decodeFilter,
	"secrets": decodeSecrets,
}

// stringField returns n's value if it is a string of at most maxBytes.
func stringField(field string, n *node, maxBytes int) (string, error) {
	if n.kind != kindString {
		return "", invalidf("%q must be a string", field)
	}
	if len(n.text) > maxBytes {
		return "", invalidf("%q is %d bytes, max %d", field, len(n.text), maxBytes)
	}
	return n.text, nil
}

func decodeMethod(p *Payload, n *node) error {
	m, err := stringField("method", n, len(http.MethodPost))
	if err != nil {
		return err
	}
	if m != http.MethodGet && m != http.MethodPost {
		return invalidf("\"method\" is %q, want GET or POST", m)
	}
	p.Method = m
	return nil
}

func decodeBody(p *Payload, n *node) error {
	body, err := stringField("body", n, MaxBodyBytes)
	if err != nil {
		return err
	}
	if p.body, err = ParseTemplate(body); err != nil {
		return invalidf("\"body\": %v", err)
	}
	p.Body = body
	return nil
}

func decodeFilter(p *Payload, n *node) error {
	text, err := stringField("filter", n, MaxFilterBytes)
	if err != nil {
		return err
	}
	if text == "" {
		return invalidf("\"filter\" is empty; leave it out to get the whole response")
	}
	p.Filter, err = CompileFilter(text)
	return err
}

func decodeSecrets(p *Payload, n *node) error {
	if n.kind != kindObject || len(n.names) != 1 || n.names[0] != "owner" {
		return invalidf("\"secrets\" must be {\"owner\": \"<Neo address>\"}")
	}
	owner, err := stringField("secrets.owner", n.items[0], 64)
	if err != nil {
		return err
	}
	if p.SecretsOwner, err = address.StringToUint160(owner); err != nil {
		return invalidf("\"secrets.owner\" is not a Neo address: %v", err)
	}
	return nil
}

// check applies the rules that involve several fields.
func (p *Payload) check() error {
	if p.URL == "" {
		return invalidf("missing \"url\"")
	}
	if p.Body != "" && p.Method != http.MethodPost {
		return invalidf("\"body\" needs \"method\": \"POST\"")
	}

	p.Refs = mergeRefs(p.url, p.headers, p.body)
	if len(p.Refs) > MaxSecretRefs {
		return invalidf("%d secret references, max %d", len(p.Refs), MaxSecretRefs)
	}
	hasOwner := p.SecretsOwner != (util.Uint160{})
	switch {
	case len(p.Refs) > 0 && !hasOwner:
		return invalidf("secret references need \"secrets\": {\"owner\": ...}")
	case len(p.Refs) == 0 && hasOwner:
		return invalidf("\"secrets\" is set but nothing references a secret")
	}
	return nil
}

func mergeRefs(target Template, headers []Template, body Template) []SecretRef {
	all := append([]templatePart(nil), target.parts...)
	for _, h := range headers {
		all = append(all, h.parts...)
	}
	all = append(all, body.parts...)
	return Template{parts: all}.Refs()
}

// decodeURL checks the URL template: an absolute URL without user info or
// fragment, with secret references only in the query. The scheme and host
// rules are egress's, which reports them with their own result codes.
func decodeURL(p *Payload, n *node) error {
	raw, err := stringField("url", n, MaxURLBytes)
	if err != nil {
		return err
	}
	tmpl, err := ParseTemplate(raw)
	if err != nil {
		return invalidf("\"url\": %v", err)
	}
	if strings.Contains(raw, "#") {
		return invalidf("\"url\" must not have a fragment")
	}
	if at := tmpl.firstRefOffset(); at >= 0 {
		q := strings.IndexByte(raw, '?')
		if q < 0 || q > at {
			return invalidf("\"url\": secret references are allowed only in the query")
		}
	}

	// Parse with a stand-in for each secret, as the rendered URL will be.
	sample, err := tmpl.Render(sampleValues(tmpl), nil)
	if err != nil {
		return invalidf("\"url\": %v", err)
	}
	u, err := url.Parse(sample)
	if err != nil {
		return invalidf("\"url\" is not a valid URL")
	}
	if !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return invalidf("\"url\" must be an absolute URL with a host")
	}
	if u.User != nil {
		return invalidf("\"url\" must not have user info")
	}
	p.URL, p.url = raw, tmpl
	return nil
}

func sampleValues(t Template) map[SecretRef]SecretValue {
	values := make(map[SecretRef]SecretValue)
	for _, ref := range t.Refs() {
		values[ref] = "x"
	}
	return values
}
