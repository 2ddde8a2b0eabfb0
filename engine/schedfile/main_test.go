package schedfile

import (
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
)

// TestMain runs the tests and fuzz targets with -fuzzminimizetime at
// fuzzflags.MinimizeDefault when the command line does not set it: a
// schedule of a few hundred bytes stalled FuzzParseSchedule's minimising
// for tens of seconds under Go's default.
func TestMain(m *testing.M) { fuzzflags.TestMain(m) }
