package oracle

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const storeDoc = `{
  "shop": {
    "name": "corner",
    "items": [
      {"kind": "pen", "price": 1.50, "tags": ["blue"]},
      {"kind": "book", "price": 12.99, "isbn": "0-00-000000-0"},
      {"kind": "book", "price": 8.95},
      {"kind": "lamp", "price": 19.999999999999999999}
    ],
    "bike": {"colour": "red", "price": 199}
  },
  "expensive": 10
}`

func applyFilter(t *testing.T, filter, doc string) string {
	t.Helper()
	f, err := CompileFilter(filter)
	require.NoError(t, err)
	out, err := f.Apply([]byte(doc), FilterLimits{})
	require.NoError(t, err)
	return string(out)
}

func TestFilterApply(t *testing.T) {
	tests := []struct {
		filter string
		want   string
	}{
		{filter: `$.shop.name`, want: `["corner"]`},
		{filter: `$.shop.items[*].kind`, want: `["pen","book","book","lamp"]`},
		{filter: `$..price`, want: `[1.50,12.99,8.95,19.999999999999999999,199]`},
		{filter: `$.shop.items[?@.price < $.expensive].kind`, want: `["pen","book"]`},
		{filter: `$.shop.items[?@.isbn]`, want: `[{"kind":"book","price":12.99,"isbn":"0-00-000000-0"}]`},
		{filter: `$.shop.items[-1:]`, want: `[{"kind":"lamp","price":19.999999999999999999}]`},
		{filter: `$.shop.items[::-2].kind`, want: `["lamp","book"]`},
		{filter: `$.shop.items[1,0,1].kind`, want: `["book","pen","book"]`},
		{filter: `$.shop.bike.*`, want: `["red",199]`},
		{filter: `$.shop.items[?match(@.kind, "b.*")].price`, want: `[12.99,8.95]`},
		{filter: `$.shop.items[?search(@.kind, "^l")].kind`, want: `["lamp"]`},
		{filter: `$.shop.items[?length(@.tags) == 1].kind`, want: `["pen"]`},
		{filter: `$.shop[?count(@.*) > 2]`, want: `[[{"kind":"pen","price":1.50,"tags":["blue"]},{"kind":"book","price":12.99,"isbn":"0-00-000000-0"},{"kind":"book","price":8.95},{"kind":"lamp","price":19.999999999999999999}]]`},
		{filter: `$.missing`, want: `[]`},
		{filter: `$`, want: `[{"shop":{"name":"corner","items":[{"kind":"pen","price":1.50,"tags":["blue"]},{"kind":"book","price":12.99,"isbn":"0-00-000000-0"},{"kind":"book","price":8.95},{"kind":"lamp","price":19.999999999999999999}],"bike":{"colour":"red","price":199}},"expensive":10}]`},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			require.Equal(t, tc.want, applyFilter(t, tc.filter, storeDoc))
		})
	}
}

// TestFilterDocumentOrder checks the first rule: object members come in
// the order the response lists them, on every run, although the library
// iterates Go maps in random order.
func TestFilterDocumentOrder(t *testing.T) {
	var doc, want strings.Builder
	doc.WriteString("{")
	want.WriteString("[")
	for i := range 40 {
		if i > 0 {
			doc.WriteString(",")
			want.WriteString(",")
		}
		// Names in neither sorted nor insertion-hash order.
		fmt.Fprintf(&doc, `"k%02d":{"v":%d}`, (i*17)%40, i)
		fmt.Fprintf(&want, "%d", i)
	}
	doc.WriteString("}")
	want.WriteString("]")

	for _, filter := range []string{`$.*.v`, `$..v`, `$[?@.v >= 0].v`, `$..[?@ >= 0]`} {
		for range 20 {
			require.Equal(t, want.String(), applyFilter(t, filter, doc.String()), filter)
		}
	}
}

func TestFilterDescendantOrder(t *testing.T) {
	doc := `{"b":{"x":1,"a":{"x":2}},"a":[{"x":3},{"y":{"x":4}}],"x":5}`
	require.Equal(t, `[5,1,2,3,4]`, applyFilter(t, `$..x`, doc))
	require.Equal(t, `[{"x":1,"a":{"x":2}},[{"x":3},{"y":{"x":4}}],5,1,{"x":2},2,{"x":3},{"y":{"x":4}},3,{"x":4},4]`,
		applyFilter(t, `$..*`, doc))
}

// TestFilterExactNumbers checks the second rule: numbers come back with
// the digits of the response, never rounded through float64.
func TestFilterExactNumbers(t *testing.T) {
	tests := []string{
		`0.1000000000000000055511`,
		`12345678901234567890123`,
		`-0.0`,
		`1.50`,
		`1E400`,
		`6.02214076e23`,
		`-9007199254740993`,
	}
	for _, number := range tests {
		t.Run(number, func(t *testing.T) {
			doc := `{"n":` + number + `,"list":[` + number + `]}`
			require.Equal(t, "["+number+"]", applyFilter(t, `$.n`, doc))
			require.Equal(t, "["+number+"]", applyFilter(t, `$.list[0]`, doc))
			require.Equal(t, `[{"n":`+number+`,"list":[`+number+`]}]`, applyFilter(t, `$`, doc))
		})
	}
}

func TestFilterComparesNumbersAsFloat(t *testing.T) {
	// NOTE: filter comparisons go through the library's float64
	// conversion, so numbers that differ past float64 precision compare
	// equal. Only the output keeps exact digits.
	doc := `[12345678901234567890123, 12345678901234567890124, 0.5]`
	require.Equal(t, `[12345678901234567890123,12345678901234567890124]`,
		applyFilter(t, `$[?@ > 1]`, doc))
}

func TestCompileFilterRejects(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		want   string
	}{
		{name: "syntax", filter: `$.`, want: "invalid JSONPath"},
		{name: "no root", filter: `a.b`, want: "invalid JSONPath"},
		{name: "too long", filter: `$.` + strings.Repeat("a", MaxFilterBytes), want: "max 256"},
		{name: "two descendants in a nested query", filter: `$[?@..a..b]`, want: "only one descendant"},
		{name: "nested filter", filter: `$[?@[?@ > 1]]`, want: "filter selectors are not allowed"},
		{name: "union in nested query", filter: `$[?@['a','b']]`, want: "only one selector"},
		{name: "pattern from the document", filter: `$[?match(@.a, @.b)]`, want: "must be a string literal"},
		{name: "pattern from a function", filter: `$[?search(@.a, value($.b))]`, want: "must be a string literal"},
		{name: "complex pattern", filter: `$[?match(@, "(\\pL|\\pN){100}")]`, want: "too complex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CompileFilter(tc.filter)
			var ferr *FilterError
			require.ErrorAs(t, err, &ferr)
			require.Contains(t, ferr.Reason, tc.want)
		})
	}
}

func TestFilterLimits(t *testing.T) {
	deep := strings.Repeat("[", 10) + strings.Repeat("]", 10)
	tests := []struct {
		name   string
		filter string
		doc    string
		limits FilterLimits
		want   string
	}{
		{name: "document size", filter: `$`, doc: `[1,2,3]`, limits: FilterLimits{MaxDocumentBytes: 6}, want: "7 bytes, max 6"},
		{name: "depth", filter: `$`, doc: deep, limits: FilterLimits{MaxDepth: 9}, want: "nested too deep"},
		{name: "steps", filter: `$..*..*`, doc: deep, limits: FilterLimits{MaxSteps: 20}, want: "more than 20 steps"},
		{name: "not json", filter: `$`, doc: `<html>`, want: "not valid JSON"},
		{name: "duplicate names", filter: `$`, doc: `{"a":1,"a":2}`, want: "duplicate member name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := CompileFilter(tc.filter)
			require.NoError(t, err)
			_, err = f.Apply([]byte(tc.doc), tc.limits)
			var ferr *FilterError
			require.ErrorAs(t, err, &ferr)
			require.Contains(t, ferr.Reason, tc.want)
		})
	}
}

func TestFilterResultSize(t *testing.T) {
	f, err := CompileFilter(`$.*`)
	require.NoError(t, err)
	doc := []byte(`["aaaa","bbbb"]`)

	out, err := f.Apply(doc, FilterLimits{MaxResultBytes: 15})
	require.NoError(t, err)
	require.Equal(t, `["aaaa","bbbb"]`, string(out))

	_, err = f.Apply(doc, FilterLimits{MaxResultBytes: 14})
	require.ErrorIs(t, err, ErrResultTooLarge)
}

func TestFilterCostBoundsExpensiveQueries(t *testing.T) {
	// Every node compared with a count over the whole document: the charge
	// per candidate is the document size, so the budget stops it early.
	doc := "[" + strings.Repeat("1,", 5000) + "1]"
	f, err := CompileFilter(`$[?count($..*) > 0]`)
	require.NoError(t, err)
	_, err = f.Apply([]byte(doc), FilterLimits{})
	var ferr *FilterError
	require.ErrorAs(t, err, &ferr)
	require.Contains(t, ferr.Reason, "steps")
}

func FuzzFilter(f *testing.F) {
	f.Add(`$..price`, []byte(storeDoc))
	f.Add(`$.shop.items[?@.price < 10].kind`, []byte(storeDoc))
	f.Add(`$..*`, []byte(`{"a":[1,{"b":null}],"c":"x"}`))
	f.Add(`$[?match(@, "a.*")]`, []byte(`["abc","b"]`))
	f.Add(`$[1:-1:2]`, []byte(`[0,1,2,3,4]`))
	f.Add(`$[?count(@..*) > 1]`, []byte(`[[1,2],[3]]`))
	f.Fuzz(func(t *testing.T, filter string, doc []byte) {
		compiled, err := CompileFilter(filter)
		if err != nil {
			var ferr *FilterError
			require.ErrorAs(t, err, &ferr)
			return
		}
		limits := FilterLimits{MaxSteps: 100_000}
		out, err := compiled.Apply(doc, limits)
		if err != nil {
			var ferr *FilterError
			if !errors.As(err, &ferr) {
				require.ErrorIs(t, err, ErrResultTooLarge)
				return
			}
			require.NotEqual(t, "evaluation failed", ferr.Reason, "library panicked")
			return
		}

		// The output is a JSON array, the same on a second run.
		var nodes []json.RawMessage
		require.NoError(t, json.Unmarshal(out, &nodes), "output %q", out)
		again, err := compiled.Apply(doc, limits)
		require.NoError(t, err)
		require.Equal(t, out, again)
	})
}
