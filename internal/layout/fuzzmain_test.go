package layout

import (
	"os"
	"path/filepath"
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
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		if fuzzTarget.Match(b) {
			fuzzing[dir] = true
		}
		if strings.Contains(string(b), "func TestMain(") && strings.Contains(string(b), "fuzzflags.") {
			applied[dir] = true
		}
		return nil
	})
	require.NoError(t, err)
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
