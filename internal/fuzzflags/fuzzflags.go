// Package fuzzflags bounds how long Go's fuzzer minimises each new input
// of a package's fuzz targets: its TestMain calls TestMain (or Apply
// before its own work), and `go test -fuzz` runs without flags at
// thousands of inputs a second where Go's default stalled it.
//
// Go's default gives the minimising of every new input a minute, and its
// last pass over an input tries every cut of it, quadratic in the input's
// length. A schedule file of 600 bytes took 17 to 18 s of runs that are
// not fuzzing, so a fuzzer that found an input a second spent nearly all
// its time there (10 new inputs in 40 s, where the same fuzzer without
// minimising found 454 in 30 s); a shard summary grown from a seed of
// tens of KB stalled its fuzzer for the whole of a 20 s run. Minimising an
// input that only adds coverage buys a smaller corpus file; a crasher
// found is still reported, and `-fuzzminimizetime 60s` minimises it as far
// as Go would.
package fuzzflags

import (
	"flag"
	"fmt"
	"os"
)

// MinimizeDefault is the -fuzzminimizetime Apply sets: 200 runs per new
// input, where Go's own default is a minute.
const MinimizeDefault = "200x"

// minimizeFlag is the name the testing package registers
// -fuzzminimizetime under.
const minimizeFlag = "test.fuzzminimizetime"

// TestMain is the TestMain of a package with fuzz targets: it applies
// MinimizeDefault (Apply), runs the tests and fuzz targets (m is the
// *testing.M) and exits with their code.
func TestMain(m interface{ Run() int }) {
	if err := Apply(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// Apply parses the test binary's command line and sets
// -fuzzminimizetime to MinimizeDefault unless the command line set it (an
// explicit flag wins). It must run in a TestMain, where the testing
// package's flags are registered.
func Apply() error {
	flag.Parse()
	return setDefault(flag.CommandLine)
}

// setDefault sets fs's minimizeFlag to MinimizeDefault unless its command
// line set it.
func setDefault(fs *flag.FlagSet) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == minimizeFlag })
	if set {
		return nil
	}
	if err := fs.Set(minimizeFlag, MinimizeDefault); err != nil {
		return fmt.Errorf("fuzzflags: -%s: %w (not a test binary's command line?)", minimizeFlag, err)
	}
	return nil
}
