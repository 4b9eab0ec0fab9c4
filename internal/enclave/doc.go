// Package enclave starts a service as a MarbleRun marble and writes the
// MarbleRun manifest of the whole system. It is the only package that
// depends on MarbleRun, so an operator could put another attestation and
// identity provider behind the same API.
//
// # Start-up
//
// Activate reads MarbleRun's EDG_MARBLE_* settings, activates with the
// coordinator over its gRPC marble API, and returns a Marble. The Marble
// holds the mesh certificate and roots, which ServerConfig and
// ClientConfig put into mesh configs. Secret returns the service's
// secrets, and DeriveP256Scalar turns one into a signing key. Attest
// returns attestation evidence for a key registered on the Gateway. The activation client is ours,
// written against MarbleRun's wire protocol (v1.9.1): it needs no cgo, and
// it keeps secrets in memory instead of copying them into the process
// environment and files as MarbleRun's premain does.
//
// # Identity
//
// The coordinator issues two kinds of certificates from one CA. Each
// marble's own MarbleRun certificate carries its UUID and DNS names the
// marble chose, so it cannot name a service. The manifest therefore gives
// each service a cert-ecdsa secret whose only URI SAN is
// spiffe://servicelayer/<service>, and references it only in that
// service's marble. Identity reads that URI and rejects MarbleRun marble
// certificates, and the mesh verifies the chain against the coordinator's
// CA, so a marble cannot present another service's identity and a
// certificate from any other CA cannot call a route.
//
// # Manifest
//
// GenerateManifest writes one package, one marble type per service, the
// mesh certificates, each service's symmetric keys, and the mesh rules
// derived from the services' route tables (package meshrules). Each
// marble compares those rules with its own binary's at activation.
// Coordinator sets the manifest over the coordinator's client HTTP API.
//
// # Simulation mode
//
// Without SGX, SimulationQuoter sends empty quotes, which the coordinator
// accepts only in simulation mode. Activate logs a warning. In that mode
// nothing is confidential: the coordinator's seal key lies next to its
// sealed state, and Attest returns evidence with an empty quote.
//
// # Not here
//
// The package has no SGX quoter (that needs EGo and cgo), does not verify
// the coordinator's quote before trusting it, and does not renew the mesh
// certificate while running: a marble gets a new one when it restarts.
package enclave
