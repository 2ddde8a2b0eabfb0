package layout

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every package with a fuzz target bounds the minimising of its fuzzers'
// new inputs (internal/fuzzflags, from its TestMain): under Go's default
// a fuzzer of protocol messages ran 50 of its 60 seconds without one
// execution, minimising.
func TestFuzzPackagesApplyFuzzflags(t *testing.T) {
	fuzzTarget := regexp.MustCompile(`(?m)^func Fuzz\w*\(f \*testing\.F\)`)
	fuzzing := map[string]bool{}
	applied := map[string]bool{}
	walkGoFiles(t, true, func(path, pkg string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if fuzzTarget.Match(b) {
			fuzzing[pkg] = true
		}
		if strings.Contains(string(b), "func TestMain(") && strings.Contains(string(b), "fuzzflags.") {
			applied[pkg] = true
		}
		return nil
	})
	require.NotEmpty(t, fuzzing)
	var missing []string
	for dir := range fuzzing {
		if !applied[dir] {
			missing = append(missing, dir)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "packages with fuzz targets whose TestMain does not call fuzzflags.TestMain or fuzzflags.Apply")
}
