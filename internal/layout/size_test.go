package layout

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxPackageLines is the size rule of docs/architecture.md, "Rules the
// layout keeps": no package's non-test files add up to more lines.
const maxPackageLines = 4000

// packageLines counts the lines of every package's non-test Go files, by
// package path relative to the module root.
func packageLines(t *testing.T) map[string]int {
	t.Helper()
	lines := map[string]int{}
	walkGoFiles(t, false, func(path, pkg string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++ // a last line without its newline
		}
		lines[pkg] += n
		return nil
	})
	require.Contains(t, lines, "engine", "the walk found the module's packages")
	return lines
}

// TestPackageSize: no non-test package is above maxPackageLines lines; a
// package that grows past it splits off a coherent part (docs/architecture.md).
func TestPackageSize(t *testing.T) {
	lines := packageLines(t)
	pkgs := make([]string, 0, len(lines))
	for p := range lines {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		assert.LessOrEqual(t, lines[p], maxPackageLines,
			"package %s has %d lines in its non-test files, above the %d of docs/architecture.md: split off a coherent part",
			p, lines[p], maxPackageLines)
	}
}

// TestPackageSizeCounts: the count is the package directory's non-test Go
// files, line by line (as `cat *.go | wc -l` without the tests).
func TestPackageSizeCounts(t *testing.T) {
	lines := packageLines(t)
	entries, err := os.ReadDir(filepath.Join(root, "engine", "schedfile"))
	require.NoError(t, err)
	want := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, "engine", "schedfile", e.Name()))
		require.NoError(t, err)
		want += strings.Count(string(b), "\n")
	}
	require.Positive(t, want)
	assert.Equal(t, want, lines["engine/schedfile"], "engine/schedfile only, not its parent")
	assert.NotContains(t, lines, "engine/schedfile/testdata")
}
