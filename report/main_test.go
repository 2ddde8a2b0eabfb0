package report

import (
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
)

// TestMain runs the tests and fuzz targets with -fuzzminimizetime at
// fuzzflags.MinimizeDefault when the command line does not set it: inputs
// grown from the shard summaries FuzzParseShardFile and FuzzMergeShards
// are seeded with stalled them under Go's default.
func TestMain(m *testing.M) { fuzzflags.TestMain(m) }
