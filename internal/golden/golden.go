// Package golden compares test output with files under testdata/ and
// regenerates them: run the tests with -rewrite, then review the change as a
// diff before committing it.
//
//	go test ./cmd/migsim -run TestDecodeGolden -rewrite
//
// Every test package that imports golden shares its one -rewrite flag.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/migsim/migsim/internal/keepfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FlagName is the test flag that regenerates golden files.
const FlagName = "rewrite"

// rewrite is the one definition of the flag: a test package that defined
// its own would panic at start-up ("flag redefined").
var rewrite = flag.Bool(FlagName, false, "rewrite golden files (testdata/, generated docs) instead of comparing with them")

// Rewrite reports whether the tests run with -rewrite.
func Rewrite() bool { return *rewrite }

// Check compares got with the file at path (relative to the test's package
// directory, normally under testdata/). Under -rewrite it writes got there
// instead, creating directories as needed. A missing file or a difference
// fails t with the diff and the command that regenerates the file.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if Rewrite() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), keepfile.DirPerm))
		require.NoError(t, os.WriteFile(path, got, keepfile.Perm))
		t.Logf("golden: rewrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file %s missing: create it with %s", path, Command(t))
	assert.Equal(t, string(want), string(got),
		"golden file %s differs: review the diff; if the new output is right, regenerate with %s", path, Command(t))
}

// Command returns the go test command that reruns t with -rewrite, e.g.
// "go test ./cmd/migsim -run '^TestDecodeGolden$/^context$' -rewrite".
func Command(t testing.TB) string {
	var run []string
	for _, part := range strings.Split(t.Name(), "/") {
		run = append(run, "^"+regexp.QuoteMeta(part)+"$")
	}
	return fmt.Sprintf("go test %s -run '%s' -%s", packageDir(), strings.Join(run, "/"), FlagName)
}

// packageDir names the test's package directory relative to the module
// root ("./cmd/migsim"), or "." when the root is not found.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}

// sectionMarkers are the lines that delimit a generated section of a
// hand-written file: "<!-- BEGIN name -->" and "<!-- END name -->".
func sectionMarkers(name string) (begin, end string) {
	return "<!-- BEGIN " + name + " -->\n", "<!-- END " + name + " -->\n"
}

// CheckSection is Check for one generated section of a file that holds
// other text too (a document with several generated tables): the text
// between the lines "<!-- BEGIN name -->" and "<!-- END name -->" must
// equal got. Under -rewrite the section is replaced in place (appended,
// with its markers, when the file has none).
func CheckSection(t testing.TB, path, name string, got []byte) {
	t.Helper()
	begin, end := sectionMarkers(name)
	data, err := os.ReadFile(path)
	if err != nil && !(Rewrite() && os.IsNotExist(err)) {
		require.NoError(t, err, "file %s missing", path)
	}
	doc := string(data)
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	found := i >= 0 && j > i
	if Rewrite() {
		var out string
		if found {
			out = doc[:i+len(begin)] + string(got) + doc[j:]
		} else {
			if doc != "" && !strings.HasSuffix(doc, "\n") {
				doc += "\n"
			}
			out = doc + begin + string(got) + end
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(path), keepfile.DirPerm))
		require.NoError(t, os.WriteFile(path, []byte(out), keepfile.Perm))
		t.Logf("golden: rewrote section %s of %s", name, path)
		return
	}
	require.True(t, found, "%s has no section %q (lines %q … %q): create it with %s", path, name,
		strings.TrimSpace(begin), strings.TrimSpace(end), Command(t))
	assert.Equal(t, doc[i+len(begin):j], string(got),
		"section %s of %s differs: review the diff; if the new output is right, regenerate with %s", name, path, Command(t))
}
