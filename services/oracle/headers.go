package oracle

import (
	"net/http"
	"strings"
)

// reservedHeaders are request headers a payload may not set: they frame
// the message, steer proxies, change the encoding egress reads, or are set
// by the service itself. Compared in lower case; any "proxy-" header is
// reserved too.
var reservedHeaders = map[string]bool{
	"accept-encoding":   true,
	"connection":        true,
	"content-length":    true,
	"expect":            true,
	"host":              true,
	"keep-alive":        true,
	"te":                true,
	"trailer":           true,
	"transfer-encoding": true,
	"upgrade":           true,
	"user-agent":        true,
}

func decodeHeaders(p *Payload, n *node) error {
	if n.kind != kindObject {
		return invalidf("\"headers\" must be an object of strings")
	}
	if len(n.names) > MaxHeaders {
		return invalidf("%d headers, max %d", len(n.names), MaxHeaders)
	}

	seen := make(map[string]bool)
	for i, name := range n.names {
		if err := checkHeaderName(name, seen); err != nil {
			return err
		}
		value, err := stringField("headers."+name, n.items[i], MaxHeaderValueBytes)
		if err != nil {
			return err
		}
		if !validHeaderValue(value) {
			return invalidf("header %q has a control character", name)
		}
		tmpl, err := ParseTemplate(value)
		if err != nil {
			return invalidf("header %q: %v", name, err)
		}
		p.Headers = append(p.Headers, Header{Name: name, Value: value})
		p.headers = append(p.headers, tmpl)
	}
	return nil
}

// checkHeaderName checks a header name and records it in seen, lower case.
func checkHeaderName(name string, seen map[string]bool) error {
	if name == "" || len(name) > MaxHeaderNameBytes || !isToken(name) {
		return invalidf("invalid header name %q", name)
	}
	lower := strings.ToLower(name)
	if reservedHeaders[lower] || strings.HasPrefix(lower, "proxy-") {
		return invalidf("header %q may not be set", name)
	}
	if seen[lower] {
		return invalidf("header %q is repeated", name)
	}
	seen[lower] = true
	return nil
}

// isToken reports whether s is an RFC 9110 token, the syntax of a field
// name.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return s != ""
}

// validHeaderValue reports whether s may be sent as a field value: no
// control characters other than horizontal tab, so no CR or LF that would
// start a new header.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// canonicalHeader returns h with canonical header names, for egress.
func canonicalHeader(headers []Header, values []string) http.Header {
	h := make(http.Header, len(headers))
	for i, hd := range headers {
		h.Set(hd.Name, values[i])
	}
	return h
}
