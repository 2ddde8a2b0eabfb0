package catalog

import (
	"os"
	"testing"

	"github.com/migsim/migsim/internal/gcpolicy"
)

// TestMain paces the garbage collector as the migsim command does: these
// tests explore. It removes the files the tests share once they ran.
func TestMain(m *testing.M) {
	gcpolicy.Apply()
	code := m.Run()
	removeFLRScenario()
	os.Exit(code)
}
