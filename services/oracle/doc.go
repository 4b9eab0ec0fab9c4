// Package oracle is the HTTPS oracle service: a contract sends a JSON
// payload naming a URL, and the service fetches it, applies a JSONPath
// filter and returns the result through the Gateway contract.
//
// This package holds the parts that handle untrusted input and need no
// chain: ParsePayload decodes the payload strictly, ParseTemplate finds
// {{secret:name}} references, Payload.Request substitutes resolved
// secrets, CompileFilter and Filter.Apply run RFC 9535 JSONPath over the
// response, Classify maps every failure to a result code with a reason
// safe to publish, and Fetcher.Fetch ties them together over an egress
// client. The network policy (https only, no private addresses, redirect
// checks, size and time caps) lives in internal/egress.
//
// Filters follow RFC 9535 through github.com/theory/jsonpath, with two
// rules of ours. First, a filter's result is always a JSON array of the
// matched nodes in RFC 9535 order. The children of an object come in the
// order the response lists them, so the result is the same on every run
// and every replica. Second, numbers keep the exact digits of the
// response. Filter
// expressions are restricted so that their cost is bounded before they
// run (see CompileFilter).
//
// The package does not listen to the chain, sign, send transactions or
// store requests; the service wiring does that as the VRF service does.
package oracle
