package oracle

import (
	"errors"
	"fmt"

	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"
)

// Filter limits. MaxFilterBytes is twice the 128 bytes Neo's native oracle
// allows.
const (
	MaxFilterBytes          = 256
	DefaultMaxDocumentBytes = 64 << 10
	DefaultMaxDepth         = 64
	// DefaultMaxResultBytes is the largest result the Gateway contract
	// accepts in fulfill (its maxResultLen).
	DefaultMaxResultBytes = 32 << 10
	// DefaultMaxSteps bounds the steps of one evaluation. The slowest
	// filter found in testing took about 0.3 s to reach it on a 64 KiB
	// response (2-core x86-64 machine).
	DefaultMaxSteps = 1_000_000
)

// ErrResultTooLarge marks a result over the size the Gateway accepts.
var ErrResultTooLarge = errors.New("result too large")

// FilterError is a filter that cannot be compiled or applied. Reason is
// safe to return to the requester: it quotes the filter, never the
// response.
type FilterError struct {
	Reason string
}

// Error returns the reason with a prefix.
func (e *FilterError) Error() string {
	return "filter error: " + e.Reason
}

func filterErrorf(format string, args ...any) *FilterError {
	return &FilterError{Reason: fmt.Sprintf(format, args...)}
}

// FilterLimits bounds the work and memory of applying a filter. Zero
// fields take the defaults above.
type FilterLimits struct {
	// MaxDocumentBytes caps the JSON document (default 64 KiB).
	MaxDocumentBytes int
	// MaxDepth caps the nesting of arrays and objects (default 64).
	MaxDepth int
	// MaxResultBytes caps the output (default 32 KiB).
	MaxResultBytes int
	// MaxSteps caps the steps: one per node visited or selected, plus
	// the worst case charged for each filter expression evaluation
	// (default 1,000,000).
	MaxSteps int
}

func (l FilterLimits) withDefaults() FilterLimits {
	if l.MaxDocumentBytes <= 0 {
		l.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxResultBytes <= 0 {
		l.MaxResultBytes = DefaultMaxResultBytes
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = DefaultMaxSteps
	}
	return l
}

// Filter is a compiled RFC 9535 JSONPath query. It is safe for concurrent
// use.
type Filter struct {
	text   string
	query  *spec.PathQuery
	shapes map[*spec.FilterSelector]filterShape
}

// CompileFilter parses text as an RFC 9535 JSONPath query with the standard
// functions (length, count, match, search, value). On top of RFC 9535 it
// rejects filters longer than MaxFilterBytes and, inside filter
// expressions, nested filters, queries with more than one descendant
// segment, brackets with more than one selector, and match() or search()
// patterns that are not literals or cost more than maxRegexCost to
// compile. These rules bound the cost of every evaluation in advance.
// Errors are *FilterError.
func CompileFilter(text string) (*Filter, error) {
	if len(text) > MaxFilterBytes {
		return nil, filterErrorf("filter is %d bytes, max %d", len(text), MaxFilterBytes)
	}
	path, err := jsonpath.Parse(text)
	if err != nil {
		return nil, filterErrorf("invalid JSONPath: %v", err)
	}

	f := &Filter{text: text, query: path.Query(), shapes: make(map[*spec.FilterSelector]filterShape)}
	for _, seg := range f.query.Segments() {
		for _, sel := range seg.Selectors() {
			fs, ok := sel.(*spec.FilterSelector)
			if !ok {
				continue
			}
			shape, err := inspectFilter(fs.String())
			if err != nil {
				return nil, filterErrorf("%v", err)
			}
			f.shapes[fs] = shape
		}
	}
	return f, nil
}

// String returns the filter as it was written.
func (f *Filter) String() string {
	return f.text
}

// Apply runs the filter on a JSON document and returns the matched nodes as
// a compact JSON array. The nodes come in RFC 9535 order, with the children
// of an object (for wildcards, filters and descendants) in the order the
// document lists them, so the output is the same on every run. Numbers keep
// their digits from the document. Errors are *FilterError, or wrap
// ErrResultTooLarge when the output exceeds MaxResultBytes.
func (f *Filter) Apply(doc []byte, limits FilterLimits) (out []byte, err error) {
	limits = limits.withDefaults()
	if len(doc) > limits.MaxDocumentBytes {
		return nil, filterErrorf("response is %d bytes, max %d", len(doc), limits.MaxDocumentBytes)
	}
	root, err := parseTree(doc, limits.MaxDepth)
	if err != nil {
		return nil, filterErrorf("response: %v", err)
	}

	// A panic in the library on hostile input must not take the service
	// down; it fails this request only.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, filterErrorf("evaluation failed")
		}
	}()

	e := &evaluation{compiled: f, root: root, maxSteps: limits.MaxSteps}
	nodes := []*node{root}
	for _, seg := range f.query.Segments() {
		if nodes, err = e.segment(seg, nodes); err != nil {
			return nil, err
		}
	}
	return renderNodes(nodes, limits.MaxResultBytes)
}

// renderNodes writes nodes as a JSON array of at most maxBytes.
func renderNodes(nodes []*node, maxBytes int) ([]byte, error) {
	out := []byte{'['}
	for i, n := range nodes {
		if i > 0 {
			out = append(out, ',')
		}
		out = n.appendJSON(out)
		if len(out) > maxBytes {
			return nil, fmt.Errorf("%w: filter output over %d bytes", ErrResultTooLarge, maxBytes)
		}
	}
	out = append(out, ']')
	if len(out) > maxBytes {
		return nil, fmt.Errorf("%w: filter output over %d bytes", ErrResultTooLarge, maxBytes)
	}
	return out, nil
}
