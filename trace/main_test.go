package trace

import (
	"testing"

	"github.com/migsim/migsim/internal/gcpolicy"
)

// TestMain paces the garbage collector as the migsim command does: these
// tests explore.
func TestMain(m *testing.M) { gcpolicy.TestMain(m) }
