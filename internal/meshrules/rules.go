package meshrules

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
	poolapi "github.com/neo-service-layer/servicelayer/services/accountpool/api"
	secretsapi "github.com/neo-service-layer/servicelayer/services/secrets/api"
)

// Table is the route table of one service that serves on the mesh.
type Table struct {
	// Service is the callee's mesh identity.
	Service string
	// Routes are the routes it serves, as its api package declares them.
	Routes []mesh.Route
}

// Tables returns the route table of every service that serves routes on
// the mesh. A service that only calls others (vrf, oracle) has none.
// Add a service here when it gets an api package with a Routes function.
func Tables() []Table {
	return []Table{
		{Service: poolapi.ServiceName, Routes: poolapi.Routes()},
		{Service: secretsapi.ServiceName, Routes: secretsapi.Routes()},
	}
}

// Rule states which callers may call one route of one service.
type Rule struct {
	// Service is the callee.
	Service string `json:"service"`
	// Method and Path name the route.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Callers are the services allowed to call it, sorted.
	Callers []string `json:"callers"`
	// Critical routes require a request signature made with the caller's
	// certificate key.
	Critical bool `json:"critical"`
}

// Name returns "service METHOD /path", the rule's label in errors.
func (r Rule) Name() string {
	return r.Service + " " + r.Method + " " + r.Path
}

// Derive returns the rules of tables, sorted by service, path and
// method, with sorted callers. It rejects an invalid service name or
// route and a route declared twice.
func Derive(tables []Table) ([]Rule, error) {
	var rules []Rule
	for _, table := range tables {
		if err := mesh.ValidateServiceName(table.Service); err != nil {
			return nil, fmt.Errorf("derive mesh rules: %w", err)
		}
		for _, route := range table.Routes {
			if err := route.Validate(); err != nil {
				return nil, fmt.Errorf("derive mesh rules of %s: %w", table.Service, err)
			}
			callers := slices.Clone(route.Callers)
			slices.Sort(callers)
			rules = append(rules, Rule{
				Service:  table.Service,
				Method:   route.Method,
				Path:     route.Path,
				Callers:  callers,
				Critical: route.Critical,
			})
		}
	}

	slices.SortFunc(rules, compareRules)
	for i := 1; i < len(rules); i++ {
		if compareRules(rules[i-1], rules[i]) == 0 {
			return nil, fmt.Errorf("derive mesh rules: route %s declared twice", rules[i].Name())
		}
	}

	return rules, nil
}

// Rules returns the rules derived from Tables.
func Rules() ([]Rule, error) {
	return Derive(Tables())
}

func compareRules(a, b Rule) int {
	return cmp.Or(
		cmp.Compare(a.Service, b.Service),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Method, b.Method),
	)
}

// Callees returns the services that caller may call at least one route
// of, sorted.
func Callees(rules []Rule, caller string) []string {
	var callees []string
	for _, r := range rules {
		if slices.Contains(r.Callers, caller) && !slices.Contains(callees, r.Service) {
			callees = append(callees, r.Service)
		}
	}
	slices.Sort(callees)

	return callees
}

// Encode returns the compact JSON array of rules, the form the manifest
// carries.
func Encode(rules []Rule) ([]byte, error) {
	if rules == nil {
		rules = []Rule{}
	}
	b, err := json.Marshal(rules)
	if err != nil {
		return nil, fmt.Errorf("encode mesh rules: %w", err)
	}

	return b, nil
}

// Decode parses rules encoded by Encode. It rejects unknown fields and
// trailing data.
func Decode(data []byte) ([]Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()

	var rules []Rule
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("decode mesh rules: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode mesh rules: data after the array")
	}

	return rules, nil
}

// Diff returns nil when got contains the same rules as want, in the same
// order, and otherwise an error naming the first difference.
func Diff(want, got []Rule) error {
	for i := range max(len(want), len(got)) {
		switch {
		case i >= len(got):
			return fmt.Errorf("route %s missing", want[i].Name())
		case i >= len(want):
			return fmt.Errorf("unexpected route %s", got[i].Name())
		case compareRules(want[i], got[i]) != 0:
			return fmt.Errorf("want route %s, got %s", want[i].Name(), got[i].Name())
		case !slices.Equal(want[i].Callers, got[i].Callers):
			return fmt.Errorf("route %s: want callers %v, got %v", want[i].Name(), want[i].Callers, got[i].Callers)
		case want[i].Critical != got[i].Critical:
			return fmt.Errorf("route %s: want critical %t, got %t", want[i].Name(), want[i].Critical, got[i].Critical)
		}
	}

	return nil
}
