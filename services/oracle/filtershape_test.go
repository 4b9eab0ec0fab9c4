package oracle

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"
)

// firstFilter compiles query and returns the canonical text of its first
// filter selector.
func firstFilter(t *testing.T, query string) string {
	t.Helper()
	path, err := jsonpath.Parse(query)
	require.NoError(t, err)
	for _, seg := range path.Query().Segments() {
		for _, sel := range seg.Selectors() {
			if fs, ok := sel.(*spec.FilterSelector); ok {
				return fs.String()
			}
		}
	}
	t.Fatalf("no filter selector in %s", query)
	return ""
}

func TestInspectFilterShape(t *testing.T) {
	tests := []struct {
		query string
		want  filterShape
	}{
		{query: `$[?@.a]`, want: filterShape{singular: 2}},
		{query: `$[?@.a.b == $.c]`, want: filterShape{singular: 5}},
		{query: `$[?@ == "@.x[*]..y"]`, want: filterShape{singular: 1}},
		{query: `$[?@.price < 10.5]`, want: filterShape{singular: 2}},
		{query: `$[?count(@.*) > 1]`, want: filterShape{relativeWide: 2}},
		{query: `$[?count(@..x) > 1]`, want: filterShape{relativeWide: 2}},
		{query: `$[?count($.a[1:3].b) > 1]`, want: filterShape{absoluteWide: 4}},
		{query: `$[?length(@.name) > 3]`, want: filterShape{singular: 2, relativeScan: 1}},
		{query: `$[?length($.name) > 3]`, want: filterShape{singular: 2, absoluteScan: 1}},
		{query: `$[?match(@.a, 1)]`, want: filterShape{singular: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, err := inspectFilter(firstFilter(t, tc.query))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestInspectFilterRegexCost(t *testing.T) {
	got, err := inspectFilter(firstFilter(t, `$[?search(@.a, "x+") && match($.b, "[a-z]{3}")]`))
	require.NoError(t, err)

	searchCost, searchInsts := regexCompileCost("x+")
	matchCost, matchInsts := regexCompileCost(`\A[a-z]{3}\z`)
	require.Equal(t, searchCost+matchCost, got.regexCompile)
	require.Equal(t, searchInsts, got.relativeScan)
	require.Equal(t, matchInsts, got.absoluteScan)
	require.Equal(t, 4, got.singular)
}

func TestFilterShapeCost(t *testing.T) {
	root, err := parseTree([]byte(`{"a":["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",2],"b":"y"}`), 8)
	require.NoError(t, err)
	candidate := root.items[0]
	shape := filterShape{singular: 3, relativeWide: 2, absoluteWide: 1, regexCompile: 50, relativeScan: 16, absoluteScan: 8}

	// 1 + singular 3 + 2*3 candidate nodes + 1*5 root nodes + compile 50
	// + (16*32 + 8*32)/16 for the 32-byte longest string.
	require.Equal(t, 1+3+6+5+50+48, shape.cost(candidate, root))
}

func TestRegexCompileCost(t *testing.T) {
	simple, _ := regexCompileCost("abc")
	classes, _ := regexCompileCost(`(\pL|\pN){100}`)
	invalid, insts := regexCompileCost("(")
	require.Less(t, simple, 1000)
	require.Greater(t, classes, maxRegexCost)
	require.Equal(t, 1, invalid)
	require.Zero(t, insts)
}
