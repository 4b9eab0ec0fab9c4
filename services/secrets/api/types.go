package api

import (
	"time"

	"github.com/nspcc-dev/neo-go/pkg/util"
)

// Latest, as ResolveRequest.Version, selects the highest version of a
// secret.
const Latest uint64 = 0

// ResolveRequest names the secret a service wants and the contract it
// acts for. The resolving service is the mesh caller, never a field here.
type ResolveRequest struct {
	// Owner is the account that owns the secret.
	Owner util.Uint160 `json:"owner"`
	// Name is the secret name.
	Name string `json:"name"`
	// Version is the version to read, or Latest.
	Version uint64 `json:"version,omitempty"`
	// Contract is the contract whose request needs the secret.
	Contract util.Uint160 `json:"contract"`
}

// ResolveResponse carries a resolved value. Its value prints as
// [redacted] through fmt and log/slog; only the JSON encoding, which is
// the response body, holds it.
type ResolveResponse struct {
	// Value is the secret value, base64 in JSON.
	Value []byte `json:"value"`
	// Version is the version read, also when Latest was requested.
	Version uint64 `json:"version"`
}

// PutRequest stores a value as a secret's next version. Its value prints
// as [redacted] through fmt and log/slog.
type PutRequest struct {
	// Owner is the owner the gateway or CLI authenticated.
	Owner util.Uint160 `json:"owner"`
	Name  string       `json:"name"`
	// Value is 1 byte to 64 KiB, base64 in JSON.
	Value []byte `json:"value"`
}

// PutResponse reports the version a put created.
type PutResponse struct {
	Version uint64 `json:"version"`
}

// ListRequest lists an owner's secrets.
type ListRequest struct {
	Owner util.Uint160 `json:"owner"`
}

// ListResponse lists an owner's secrets sorted by name.
type ListResponse struct {
	Secrets []Summary `json:"secrets"`
}

// Summary is one secret in a list: its name and version numbers.
type Summary struct {
	Name string `json:"name"`
	// Latest is the highest version ever created. It is missing from
	// Versions when that version was deleted.
	Latest uint64 `json:"latest"`
	// Versions lists the live versions in ascending order.
	Versions []uint64 `json:"versions"`
}

// MetadataRequest names one secret of an owner.
type MetadataRequest struct {
	Owner util.Uint160 `json:"owner"`
	Name  string       `json:"name"`
}

// Metadata describes one secret without its values.
type Metadata struct {
	Name string `json:"name"`
	// Latest is the highest version ever created.
	Latest uint64 `json:"latest"`
	// LatestDeleted is true when version Latest was deleted, so resolving
	// the latest version fails until the next put.
	LatestDeleted bool          `json:"latest_deleted"`
	Versions      []VersionInfo `json:"versions"`
	ACL           ACL           `json:"acl"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

// VersionInfo is one live version of a secret.
type VersionInfo struct {
	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// ACL is a secret's access list, each list sorted. A resolve passes only
// when both the service and the contract are allowed and neither is
// denied.
type ACL struct {
	AllowedServices  []string       `json:"allowed_services"`
	DeniedServices   []string       `json:"denied_services"`
	AllowedContracts []util.Uint160 `json:"allowed_contracts"`
	DeniedContracts  []util.Uint160 `json:"denied_contracts"`
}

// Subject is who an access rule applies to: exactly one of a service and
// a contract. Build it with ServiceSubject or ContractSubject.
type Subject struct {
	// Service is a service name such as "oracle".
	Service string `json:"service,omitempty"`
	// Contract is a requesting contract's script hash.
	Contract *util.Uint160 `json:"contract,omitempty"`
}

// ServiceSubject names a service, such as "oracle" or "compute".
func ServiceSubject(service string) Subject {
	return Subject{Service: service}
}

// ContractSubject names a requesting contract.
func ContractSubject(contract util.Uint160) Subject {
	return Subject{Contract: &contract}
}

// RuleRequest grants, denies or revokes one subject's access to a secret.
type RuleRequest struct {
	Owner   util.Uint160 `json:"owner"`
	Name    string       `json:"name"`
	Subject Subject      `json:"subject"`
}

// DeleteRequest deletes one version of a secret, or with All the whole
// secret. Exactly one of Version and All must be set, so that a missing
// version number never deletes everything.
type DeleteRequest struct {
	Owner   util.Uint160 `json:"owner"`
	Name    string       `json:"name"`
	Version uint64       `json:"version,omitempty"`
	All     bool         `json:"all,omitempty"`
}

// Empty is the response of routes that return no data.
type Empty struct{}
