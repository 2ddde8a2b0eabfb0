package cliflag

import (
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
)

// TestMain runs the tests and fuzz targets with -fuzzminimizetime at
// fuzzflags.MinimizeDefault when the command line does not set it: Go's
// default minimising of the fuzzers' new inputs stalled them for seconds.
func TestMain(m *testing.M) { fuzzflags.TestMain(m) }
