// Package egress is the HTTP client for URLs that users supply: oracle
// requests today, webhooks and compute later. Every input is treated as
// hostile.
//
// A Client fetches https URLs only. Before it connects it resolves the host
// and checks every address with CheckAddress. That rejects private,
// loopback, link-local, shared (CGNAT), multicast, unspecified, broadcast,
// documentation, benchmarking and reserved blocks and cloud metadata
// addresses, in IPv4, IPv6, IPv4-mapped IPv6 and NAT64 forms alike. Numeric
// hosts that are not dotted decimal IPv4 or bracketed IPv6, such as
// 2130706433, 0177.0.0.1 or 0x7f.1, are rejected before any lookup. The
// connection goes to the address that was checked, so a DNS answer that
// changes in between cannot move it, while TLS server name and Host stay
// the name from the URL. Each redirect passes the same checks, up to
// Config.MaxRedirects hops; on a redirect to another origin the caller's
// headers are dropped and a request body is never resent. Responses are
// capped in header bytes, body bytes and time, and their media type must
// be allowed.
//
// Failures wrap one of the sentinel errors (ErrForbiddenAddress,
// ErrTimeout, ErrTooLarge and so on) so callers can map them to result
// codes. No error contains a URL query, because queries may carry secrets.
//
// Config.AllowLoopback and Config.AllowHTTP exist for local development and
// tests. Callers must refuse to set them in any other environment.
//
// The package does not retry, cache, follow proxies from the environment,
// decompress bodies or interpret them.
package egress
