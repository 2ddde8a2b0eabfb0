package catalog

import (
	"fmt"
	"os"
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
	"github.com/migsim/migsim/internal/gcpolicy"
)

// TestMain paces the garbage collector as the migsim command does: these
// tests explore. It removes the files the tests share once they ran.
func TestMain(m *testing.M) {
	// FuzzLoadScenario's minimising of a scenario file stalled it under
	// Go's default (internal/fuzzflags).
	if err := fuzzflags.Apply(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gcpolicy.Apply()
	code := m.Run()
	removeFLRScenario()
	os.Exit(code)
}
