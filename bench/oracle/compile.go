package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/nspcc-dev/neo-go/cli/smartcontract"
	"github.com/nspcc-dev/neo-go/pkg/compiler"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/manifest"
	"github.com/nspcc-dev/neo-go/pkg/smartcontract/nef"
)

// contractDir is the consumer's source directory relative to this file.
const contractDir = "contract"

// compileConsumer compiles the native-oracle consumer with neo-go's
// compiler, configured by its contract.yml. The compiler runs `go list`,
// so the Go toolchain and the module cache must be present.
func compileConsumer() (*nef.File, *manifest.Manifest, error) {
	dir, err := consumerDir()
	if err != nil {
		return nil, nil, err
	}
	conf, err := smartcontract.ParseContractConfig(filepath.Join(dir, "contract.yml"))
	if err != nil {
		return nil, nil, fmt.Errorf("read consumer config: %w", err)
	}

	opts := &compiler.Options{
		Name:           conf.Name,
		ContractEvents: conf.Events,
		SafeMethods:    conf.SafeMethods,
		Permissions:    make([]manifest.Permission, len(conf.Permissions)),
	}
	for i := range conf.Permissions {
		opts.Permissions[i] = manifest.Permission(conf.Permissions[i])
	}
	nefFile, debugInfo, err := compiler.CompileWithOptions(dir, nil, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("compile consumer: %w", err)
	}
	m, err := compiler.CreateManifest(debugInfo, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("create consumer manifest: %w", err)
	}
	return nefFile, m, nil
}

// consumerDir finds the consumer's sources next to this file, which
// `go run ./bench/oracle` compiles from the repository.
func consumerDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("locate consumer sources: no caller information")
	}
	dir := filepath.Join(filepath.Dir(file), contractDir)
	if _, err := os.Stat(filepath.Join(dir, "contract.yml")); err != nil {
		return "", fmt.Errorf("locate consumer sources (run the benchmark from the repository with go run): %w", err)
	}
	return dir, nil
}
