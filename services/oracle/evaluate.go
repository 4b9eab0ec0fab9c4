package oracle

import (
	"github.com/theory/jsonpath/spec"
)

// evaluation applies one compiled filter to one document. It walks the
// segments and selectors itself, in document order, because the library
// iterates Go maps, whose order is random. It leaves to the library what
// does not depend on order: parsing, slice bounds and the truth of a filter
// expression for one node.
type evaluation struct {
	compiled *Filter
	root     *node
	steps    int
	maxSteps int
}

// charge counts n steps and fails once the total passes maxSteps.
func (e *evaluation) charge(n int) error {
	e.steps += n
	if e.steps > e.maxSteps {
		return filterErrorf("filter needs more than %d steps on this response", e.maxSteps)
	}
	return nil
}

// segment applies seg to each input node in order and returns the
// concatenated results (RFC 9535, section 2.5).
func (e *evaluation) segment(seg *spec.Segment, in []*node) ([]*node, error) {
	var out []*node
	for _, n := range in {
		var err error
		if out, err = e.visit(seg, n, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// visit applies seg's selectors to n and, for a descendant segment, to each
// descendant of n, parents before children and children in document order.
func (e *evaluation) visit(seg *spec.Segment, n *node, out []*node) ([]*node, error) {
	if err := e.charge(1); err != nil {
		return nil, err
	}
	for _, sel := range seg.Selectors() {
		var err error
		if out, err = e.apply(sel, n, out); err != nil {
			return nil, err
		}
	}
	if !seg.IsDescendant() {
		return out, nil
	}
	for _, child := range n.items {
		var err error
		if out, err = e.visit(seg, child, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// apply appends the children of n that sel selects.
func (e *evaluation) apply(sel spec.Selector, n *node, out []*node) ([]*node, error) {
	before := len(out)
	switch s := sel.(type) {
	case spec.Name:
		if i, ok := n.index[string(s)]; ok {
			out = append(out, n.items[i])
		}
	case spec.Index:
		if i, ok := arrayIndex(n, int(s)); ok {
			out = append(out, n.items[i])
		}
	case spec.SliceSelector:
		out = e.slice(s, n, out)
	case spec.WildcardSelector:
		out = append(out, n.items...)
	case *spec.FilterSelector:
		return e.filterChildren(s, n, out)
	default:
		return nil, filterErrorf("unsupported selector %v", sel)
	}
	return out, e.charge(len(out) - before)
}

// arrayIndex resolves an index selector, negative from the end, on n.
func arrayIndex(n *node, i int) (int, bool) {
	if n.kind != kindArray {
		return 0, false
	}
	if i < 0 {
		i += len(n.items)
	}
	return i, i >= 0 && i < len(n.items)
}

// slice applies a slice selector through the library, which implements
// the RFC 9535 bounds and step rules, and maps the indexes it returns back
// to nodes.
func (e *evaluation) slice(s spec.SliceSelector, n *node, out []*node) []*node {
	if n.kind != kindArray {
		return out
	}
	for _, loc := range s.SelectLocated(n.plain, nil, nil) {
		if len(loc.Path) != 1 {
			continue
		}
		if i, ok := loc.Path[0].(spec.Index); ok {
			out = append(out, n.items[i])
		}
	}
	return out
}

// filterChildren appends the children of n for which the filter expression holds,
// in document order. Before each evaluation it charges the most nodes the
// expression can visit there.
func (e *evaluation) filterChildren(s *spec.FilterSelector, n *node, out []*node) ([]*node, error) {
	shape := e.compiled.shapes[s]
	for _, child := range n.items {
		if err := e.charge(shape.cost(child, e.root)); err != nil {
			return nil, err
		}
		if s.Eval(child.plain, e.root.plain) {
			out = append(out, child)
		}
	}
	return out, nil
}
