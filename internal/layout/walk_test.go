package layout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// walkGoFiles calls fn for every Go file of the module outside hidden and
// testdata directories — its test files when tests is set, its other files
// otherwise — with the file's package directory relative to the module
// root, slash-separated ("cmd/migsim"); an error of fn stops the walk and
// fails the test.
func walkGoFiles(t *testing.T, tests bool, fn func(path, pkg string) error) {
	t.Helper()
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
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") != tests {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		return fn(path, filepath.ToSlash(rel))
	})
	require.NoError(t, err)
}
