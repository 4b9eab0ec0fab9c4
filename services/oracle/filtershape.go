package oracle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Restrictions on the queries inside a filter selector ([?...]). The
// library evaluates a filter expression in one uninterruptible call per
// candidate node, so its cost must be bounded before the call. With at
// most one descendant segment per query, no nested filters and one
// selector per bracket, each segment of a nested query selects every node
// under the query's start node at most once.
var (
	errNestedDescendant = errors.New("a query inside a filter expression may have only one descendant segment (..)")
	errNestedFilter     = errors.New("filter selectors are not allowed inside a filter expression")
	errNestedUnion      = errors.New("a bracket inside a filter expression may hold only one selector")
)

// filterShape summarises the queries and function calls nested in one
// filter selector, for charging the cost of evaluating it on a node.
type filterShape struct {
	// singular is the cost of the singular queries (name and index
	// selectors only): one per query plus one per segment.
	singular int
	// relativeWide and absoluteWide weigh the queries from @ and from $
	// that contain a wildcard, a slice or a descendant segment: each adds
	// one plus its number of segments, because each segment may select
	// every node under the start node.
	relativeWide int
	absoluteWide int
	// regexCompile is the cost of compiling the patterns of match() and
	// search(), which the library does on every call.
	regexCompile int
	// relativeScan and absoluteScan are the cost per 16 bytes of the
	// longest string a call may read: under the candidate node when the
	// call's first argument starts at @, anywhere in the document
	// otherwise.
	relativeScan int
	absoluteScan int
}

// cost returns the most steps one evaluation of the filter on candidate can
// take in the document whose root is root.
func (s filterShape) cost(candidate, root *node) int {
	scan := (s.relativeScan*candidate.maxString + s.absoluteScan*root.maxString) / 16
	return 1 + s.singular + s.relativeWide*candidate.size + s.absoluteWide*root.size + s.regexCompile + scan
}

// openCall is a parenthesis open at the scan position.
type openCall struct {
	function string // empty for a grouping parenthesis
	relative bool   // the first argument starts at @
}

// shapeScanner reads the canonical text of one filter selector.
type shapeScanner struct {
	text  string
	shape filterShape
	open  []openCall
}

// inspectFilter reads the canonical text of a filter selector, as
// spec.FilterSelector.String writes it, and returns its shape. In that text
// every string is double-quoted, every segment is bracketed and a
// descendant segment is written "..[", so the scan only has to skip
// strings. A ".." outside a query cannot occur; it is rejected in case a
// later library version writes one.
func inspectFilter(canonical string) (filterShape, error) {
	s := shapeScanner{text: canonical}
	// The first byte is the selector's own '?'.
	for i := 1; i < len(canonical); {
		next, err := s.step(i)
		if err != nil {
			return filterShape{}, err
		}
		i = next
	}
	return s.shape, nil
}

// step reads the token at text[i] and returns the offset after it.
func (s *shapeScanner) step(i int) (int, error) {
	text := s.text
	switch c := text[i]; {
	case c == '"':
		return skipString(text, i), nil
	case c == '?':
		return 0, errNestedFilter
	case c == '.' && strings.HasPrefix(text[i:], ".."):
		return 0, errNestedDescendant
	case c == '@' || c == '$':
		return inspectQuery(text, i, &s.shape)
	case c >= 'a' && c <= 'z':
		return s.word(i), nil
	case c == '(':
		s.open = append(s.open, openCall{})
	case c == ')':
		return s.closeCall(i)
	case c == ',':
		return s.argument(i)
	}
	return i + 1, nil
}

// word reads a function name or a literal (true, false, null).
func (s *shapeScanner) word(i int) int {
	end := i
	for end < len(s.text) && (s.text[end] >= 'a' && s.text[end] <= 'z' || s.text[end] == '_' ||
		s.text[end] >= '0' && s.text[end] <= '9') {
		end++
	}
	if end >= len(s.text) || s.text[end] != '(' {
		return end
	}
	first := strings.TrimLeft(s.text[end+1:], " ")
	s.open = append(s.open, openCall{function: s.text[i:end], relative: strings.HasPrefix(first, "@")})
	return end + 1
}

// closeCall charges a finished length() call, which counts the characters
// of a string.
func (s *shapeScanner) closeCall(i int) (int, error) {
	if len(s.open) == 0 {
		return 0, errors.New("unbalanced parentheses in a filter expression")
	}
	call := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	if call.function == "length" {
		s.shape.addScan(call.relative, 1)
	}
	return i + 1, nil
}

// argument reads the argument after a comma. The pattern of match() and
// search() must be a literal, so that its cost is known here: a string, or
// a number, true, false or null, which make the call false.
func (s *shapeScanner) argument(i int) (int, error) {
	if len(s.open) == 0 {
		return i + 1, nil
	}
	call := s.open[len(s.open)-1]
	if call.function != "match" && call.function != "search" {
		return i + 1, nil
	}

	start := i + 1
	for start < len(s.text) && s.text[start] == ' ' {
		start++
	}
	rest := s.text[start:]
	switch {
	case strings.HasPrefix(rest, `"`):
		return s.pattern(call, start)
	case strings.HasPrefix(rest, "@") || strings.HasPrefix(rest, "$") || isFunctionCall(rest):
		return 0, fmt.Errorf("the pattern of %s() must be a string literal", call.function)
	}
	return start, nil
}

// pattern reads the string literal at text[start] as the pattern of call.
func (s *shapeScanner) pattern(call openCall, start int) (int, error) {
	end := skipString(s.text, start)
	pattern, err := strconv.Unquote(s.text[start:end])
	if err != nil {
		return 0, fmt.Errorf("unreadable pattern in %s(): %w", call.function, err)
	}
	if err := s.shape.addRegex(call, pattern); err != nil {
		return 0, err
	}
	return end, nil
}

// isFunctionCall reports whether text starts with a name and '('.
func isFunctionCall(text string) bool {
	i := 0
	for i < len(text) && (text[i] >= 'a' && text[i] <= 'z' || text[i] == '_' || text[i] >= '0' && text[i] <= '9') {
		i++
	}
	return i > 0 && i < len(text) && text[i] == '('
}

// inspectQuery reads the nested query that starts at text[start] ('@' or
// '$'), adds it to shape and returns the offset just past it.
func inspectQuery(text string, start int, shape *filterShape) (int, error) {
	wide := false
	segments, descendants := 0, 0
	i := start + 1
	for i < len(text) {
		if strings.HasPrefix(text[i:], "..[") {
			descendants++
			wide = true
			i += len("..")
		}
		if text[i] != '[' {
			break
		}
		end, segmentWide, err := inspectBracket(text, i)
		if err != nil {
			return 0, err
		}
		wide = wide || segmentWide
		segments++
		i = end
	}
	if descendants > 1 || strings.HasPrefix(text[i:], "..") {
		return 0, errNestedDescendant
	}

	switch {
	case !wide:
		shape.singular += 1 + segments
	case text[start] == '@':
		shape.relativeWide += 1 + segments
	default:
		shape.absoluteWide += 1 + segments
	}
	return i, nil
}

// inspectBracket reads the segment "[...]" that starts at text[start] and
// returns the offset past its ']' and whether it holds a wildcard or a
// slice.
func inspectBracket(text string, start int) (int, bool, error) {
	wide := false
	for i := start + 1; i < len(text); {
		switch text[i] {
		case '"':
			i = skipString(text, i)
			continue
		case ']':
			return i + 1, wide, nil
		case '*', ':':
			wide = true
		case ',':
			return 0, false, errNestedUnion
		case '?':
			return 0, false, errNestedFilter
		case '[', '@', '$':
			return 0, false, fmt.Errorf("unexpected %q in a filter segment", text[i])
		}
		i++
	}
	return 0, false, errors.New("unterminated segment in a filter expression")
}

// skipString returns the offset past the double-quoted string that starts
// at text[start], honouring backslash escapes.
func skipString(text string, start int) int {
	for i := start + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(text)
}
