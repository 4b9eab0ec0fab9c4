package oracle

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestComplianceSuite runs the JSONPath Compliance Test Suite
// (github.com/jsonpath-standard/jsonpath-compliance-test-suite) through
// CompileFilter and Filter.Apply when JSONPATH_CTS names its cts.json. The
// suite is not vendored. Queries that CompileFilter rejects by our cost
// rules are logged and skipped; every other case must match, and where the
// suite allows several orders ours must be one of them.
func TestComplianceSuite(t *testing.T) {
	file := os.Getenv("JSONPATH_CTS")
	if file == "" {
		t.Skip("set JSONPATH_CTS to the suite's cts.json to run it")
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var suite struct {
		Tests []struct {
			Name     string            `json:"name"`
			Selector string            `json:"selector"`
			Document json.RawMessage   `json:"document"`
			Result   json.RawMessage   `json:"result"`
			Results  []json.RawMessage `json:"results"`
			Invalid  bool              `json:"invalid_selector"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(raw, &suite))

	restricted := 0
	for _, tc := range suite.Tests {
		f, err := CompileFilter(tc.Selector)
		if tc.Invalid {
			require.Error(t, err, "%s: %q accepted", tc.Name, tc.Selector)
			continue
		}
		if err != nil {
			restricted++
			t.Logf("restricted: %s: %q: %v", tc.Name, tc.Selector, err)
			continue
		}
		out, err := f.Apply(tc.Document, FilterLimits{})
		require.NoError(t, err, "%s: %q", tc.Name, tc.Selector)

		wants := tc.Results
		if tc.Result != nil {
			wants = []json.RawMessage{tc.Result}
		}
		require.True(t, matchesOne(t, out, wants), "%s: %q: got %s, want one of %s", tc.Name, tc.Selector, out, wants)
	}
	t.Logf("%d cases, %d restricted", len(suite.Tests), restricted)
}

func matchesOne(t *testing.T, got []byte, wants []json.RawMessage) bool {
	t.Helper()
	var g any
	require.NoError(t, json.Unmarshal(got, &g))
	for _, w := range wants {
		var want any
		require.NoError(t, json.Unmarshal(w, &want))
		if reflect.DeepEqual(g, want) {
			return true
		}
	}
	return false
}
