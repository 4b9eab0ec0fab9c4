// Command generate compiles every contract directory given as an argument
// and writes <name>.nef and <name>.manifest.json next to its sources. The
// contracts package runs it through go generate.
package main

import (
	"fmt"
	"os"

	"github.com/neo-service-layer/servicelayer/contracts/internal/compile"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: generate CONTRACT_DIR...")
		os.Exit(2)
	}
	for _, dir := range os.Args[1:] {
		a, err := compile.Dir(dir)
		if err == nil {
			err = a.Write(dir)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
