package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is one JSON value that keeps what encoding/json's generic decoding
// loses: the order of object members and the exact text of numbers.
type node struct {
	kind kind
	// text is a number's literal as written in the source, or a string's
	// decoded value.
	text  string
	truth bool
	// names are an object's member names in document order; items are
	// the member values in the same order, or an array's elements.
	names []string
	items []*node
	index map[string]int // object member name to position in items
	// plain is the same value as encoding/json with UseNumber decodes it
	// (map[string]any, []any, string, json.Number, bool or nil), the form
	// theory/jsonpath reads.
	plain any
	// size counts the nodes in this subtree, itself included.
	size int
	// maxString is the length in bytes of the longest string value in
	// this subtree.
	maxString int
}

var (
	errNotUTF8     = errors.New("not valid UTF-8")
	errTooDeep     = errors.New("nested too deep")
	errDuplicate   = errors.New("duplicate member name")
	errTrailing    = errors.New("trailing data after the JSON value")
	errNotJSONText = errors.New("not valid JSON")
)

// treeParser builds a node tree from the tokens of a json.Decoder, which
// checks the syntax.
type treeParser struct {
	dec      *json.Decoder
	maxDepth int
}

// parseTree decodes one JSON text into a node tree. It rejects invalid
// UTF-8, containers nested deeper than maxDepth, objects with a repeated
// member name (a map would keep only one, so the result would depend on
// which) and anything after the value.
func parseTree(doc []byte, maxDepth int) (*node, error) {
	if !utf8.Valid(doc) {
		return nil, errNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	p := treeParser{dec: dec, maxDepth: maxDepth}

	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return root, nil
}

// value reads the next value; depth is the number of containers around it.
func (p *treeParser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntaxError()
	}

	switch v := tok.(type) {
	case json.Delim:
		if depth >= p.maxDepth {
			return nil, fmt.Errorf("%w: more than %d levels", errTooDeep, p.maxDepth)
		}
		switch v {
		case '{':
			return p.object(depth + 1)
		case '[':
			return p.array(depth + 1)
		}
		return nil, p.syntaxError()
	case string:
		return &node{kind: kindString, text: v, plain: v, size: 1, maxString: len(v)}, nil
	case json.Number:
		return &node{kind: kindNumber, text: v.String(), plain: v, size: 1}, nil
	case bool:
		return &node{kind: kindBool, truth: v, plain: v, size: 1}, nil
	case nil:
		return &node{kind: kindNull, size: 1}, nil
	}
	return nil, p.syntaxError()
}

func (p *treeParser) object(depth int) (*node, error) {
	n := &node{kind: kindObject, index: make(map[string]int), size: 1}
	plain := make(map[string]any)
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntaxError()
		}
		name, ok := tok.(string)
		if !ok {
			return nil, p.syntaxError()
		}
		if _, dup := n.index[name]; dup {
			return nil, fmt.Errorf("%w at offset %d", errDuplicate, p.dec.InputOffset())
		}

		child, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		n.index[name] = len(n.items)
		n.names = append(n.names, name)
		n.items = append(n.items, child)
		n.size += child.size
		n.maxString = max(n.maxString, child.maxString)
		plain[name] = child.plain
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.syntaxError()
	}
	n.plain = plain
	return n, nil
}

func (p *treeParser) array(depth int) (*node, error) {
	n := &node{kind: kindArray, size: 1}
	plain := []any{}
	for p.dec.More() {
		child, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, child)
		n.size += child.size
		n.maxString = max(n.maxString, child.maxString)
		plain = append(plain, child.plain)
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.syntaxError()
	}
	n.plain = plain
	return n, nil
}

// syntaxError reports where decoding stopped, without quoting the
// document, which may echo secrets the request sent.
func (p *treeParser) syntaxError() error {
	return fmt.Errorf("%w near offset %d", errNotJSONText, p.dec.InputOffset())
}

// appendJSON appends n as compact JSON: members in document order, numbers
// exactly as written in the source, strings re-escaped.
func (n *node) appendJSON(dst []byte) []byte {
	switch n.kind {
	case kindNull:
		return append(dst, "null"...)
	case kindBool:
		if n.truth {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case kindNumber:
		return append(dst, n.text...)
	case kindString:
		return appendJSONString(dst, n.text)
	case kindArray:
		dst = append(dst, '[')
		for i, item := range n.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = item.appendJSON(dst)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i, item := range n.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, n.names[i])
			dst = append(dst, ':')
			dst = item.appendJSON(dst)
		}
		return append(dst, '}')
	}
}

// appendJSONString appends s as a JSON string. It escapes only what RFC
// 8259 requires (quote, backslash and control characters), so the output
// of the same value is the same on every run.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
