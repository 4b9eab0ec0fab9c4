package oracle

import (
	"net/url"

	"github.com/neo-service-layer/servicelayer/internal/egress"
)

// Request renders the payload into the request egress sends, with values
// substituted for the secret references: query-escaped in the URL, as they
// are in header values and the body. A header value that would contain a
// control character, such as CR or LF, after substitution is an error
// wrapping ErrInvalidPayload. Errors name references, never values.
func (p *Payload) Request(values map[SecretRef]SecretValue) (egress.Request, error) {
	target, err := p.url.Render(values, url.QueryEscape)
	if err != nil {
		return egress.Request{}, invalidf("\"url\": %v", err)
	}

	headerValues := make([]string, len(p.Headers))
	for i, tmpl := range p.headers {
		v, err := tmpl.Render(values, nil)
		if err != nil {
			return egress.Request{}, invalidf("header %q: %v", p.Headers[i].Name, err)
		}
		if !validHeaderValue(v) {
			return egress.Request{}, invalidf("header %q: a secret value has a control character", p.Headers[i].Name)
		}
		headerValues[i] = v
	}

	body, err := p.body.Render(values, nil)
	if err != nil {
		return egress.Request{}, invalidf("\"body\": %v", err)
	}

	req := egress.Request{
		Method: p.Method,
		URL:    target,
		Header: canonicalHeader(p.Headers, headerValues),
	}
	if body != "" {
		req.Body = []byte(body)
	}
	return req, nil
}
