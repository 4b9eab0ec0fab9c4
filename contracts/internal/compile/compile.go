// Package compile builds a Go contract directory into its NEF and manifest
// with neo-go's compiler, reading the same YAML settings as
// `neo-go contract compile`.
//
// It is build tooling: it needs the Go toolchain and module cache at run
// time, so only go generate and tests use it, never the servicelayer binary.
package compile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/cli/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/compiler"
	"github.com/nspcc-dev/neo-go/pkg/config"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
)

// CompilerVersion is written into every NEF's compiler field as
// "neo-go-<CompilerVersion>". It must match the neo-go module version in
// go.mod so the field says which compiler produced the script.
const CompilerVersion = "0.122.0"

// Artefacts are the files a contract deploys with.
type Artefacts struct {
	// NEF is the serialised NEF file.
	NEF []byte
	// Manifest is the manifest JSON, indented, with a final newline.
	Manifest []byte
}

// Dir compiles the contract in dir, configured by dir/<name>.yml where name
// is the directory's base name.
func Dir(dir string) (Artefacts, error) {
	name := filepath.Base(dir)
	conf, err := smartcontract.ParseContractConfig(filepath.Join(dir, name+".yml"))
	if err != nil {
		return Artefacts{}, fmt.Errorf("read %s config: %w", name, err)
	}

	opts := &compiler.Options{
		Name:                       conf.Name,
		SourceURL:                  conf.SourceURL,
		ContractEvents:             conf.Events,
		DeclaredNamedTypes:         conf.NamedTypes,
		ContractSupportedStandards: conf.SupportedStandards,
		SafeMethods:                conf.SafeMethods,
		Overloads:                  conf.Overloads,
		Permissions:                make([]manifest.Permission, len(conf.Permissions)),
	}
	for i := range conf.Permissions {
		opts.Permissions[i] = manifest.Permission(conf.Permissions[i])
	}

	// The NEF header names the compiler from this package-level variable.
	config.Version = CompilerVersion
	ne, di, err := compiler.CompileWithOptions(dir, nil, opts)
	if err != nil {
		return Artefacts{}, fmt.Errorf("compile %s: %w", name, err)
	}
	m, err := compiler.CreateManifest(di, opts)
	if err != nil {
		return Artefacts{}, fmt.Errorf("create %s manifest: %w", name, err)
	}

	nefBytes, err := ne.Bytes()
	if err != nil {
		return Artefacts{}, fmt.Errorf("encode %s nef: %w", name, err)
	}
	manifestJSON, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Artefacts{}, fmt.Errorf("encode %s manifest: %w", name, err)
	}
	return Artefacts{NEF: nefBytes, Manifest: append(manifestJSON, '\n')}, nil
}

// Write stores a next to the sources in dir as <name>.nef and
// <name>.manifest.json.
func (a Artefacts) Write(dir string) error {
	name := filepath.Base(dir)
	if err := os.WriteFile(filepath.Join(dir, name+".nef"), a.NEF, 0o644); err != nil {
		return fmt.Errorf("write %s nef: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".manifest.json"), a.Manifest, 0o644); err != nil {
		return fmt.Errorf("write %s manifest: %w", name, err)
	}
	return nil
}
