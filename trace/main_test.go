package trace

import (
	"fmt"
	"os"
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
	"github.com/migsim/migsim/internal/gcpolicy"
)

// TestMain paces the garbage collector as the migsim command does: these
// tests explore. The fuzz targets minimise their new inputs for
// fuzzflags.MinimizeDefault unless the command line says otherwise: Go's
// default stalled them for seconds.
func TestMain(m *testing.M) {
	if err := fuzzflags.Apply(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gcpolicy.TestMain(m)
}
