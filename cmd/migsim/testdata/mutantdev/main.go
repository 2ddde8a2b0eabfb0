// Command mutantdev is a mutant of the conformance kit's library (package
// conformance/mutants) around the reference virtio-blk, served as an
// external device: `mutantdev NAME` speaks the device protocol of
// docs/device-protocol.md on stdin and stdout, as examples/extblk does,
// with the bug NAME planted. The tests of migsim judge and replay it as
// an exec: device that fails.
package main

import (
	"fmt"
	"os"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mutantdev NAME (a mutant of migsim conform --list)")
		os.Exit(2)
	}
	m, ok := mutants.Lookup(os.Args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "mutantdev: no mutant %q\n", os.Args[1])
		os.Exit(2)
	}
	info := extdevice.Info{Name: "mutantdev " + m.Name, Editions: spec.Editions, Knobs: extdevice.AllKnobs()}
	if err := extdevice.Serve(os.Stdin, os.Stdout, m.Factory(blk.New), info); err != nil {
		fmt.Fprintln(os.Stderr, "mutantdev:", err)
		os.Exit(1)
	}
}
