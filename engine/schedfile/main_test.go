package schedfile

import (
	"flag"
	"os"
	"testing"
)

// minimizeDefault is how long Go's fuzzer minimises each new input of
// this package's fuzz targets unless -fuzzminimizetime says otherwise: 200
// runs, where its own default is a minute. Its last pass over an input
// tries every cut of it, quadratic in the input's length: a 600-byte
// schedule took 17 to 18 s of runs that are not fuzzing, and a fuzzer that
// found an input a second spent nearly all its time there (10 new inputs in
// 40 s, where the same fuzzer without minimising found 454 in 30 s).
// Minimising an input that only adds coverage buys a smaller corpus file;
// a crasher found is still reported, and `-fuzzminimizetime 60s` minimises
// it as far as Go would.
const minimizeDefault = "200x"

// TestMain runs the tests and fuzz targets with -fuzzminimizetime at
// minimizeDefault when the command line does not set it.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set {
		if err := flag.Set("test.fuzzminimizetime", minimizeDefault); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
