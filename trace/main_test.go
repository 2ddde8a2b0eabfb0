package trace

import (
	"os"
	"testing"

	"github.com/migsim/migsim/internal/gcpolicy"
)

// TestMain paces the garbage collector as the migsim command does
// (package gcpolicy): these tests run explorations.
func TestMain(m *testing.M) {
	gcpolicy.Apply()
	os.Exit(m.Run())
}
