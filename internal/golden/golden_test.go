package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, format)
}
func (r *recorder) FailNow() { r.failed = true; panic(r) }
func (r *recorder) Helper()  {}

// check runs Check against a recorder and reports whether it failed.
func check(t *testing.T, path string, got []byte) *recorder {
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != any(r) {
				panic(p)
			}
		}()
		Check(r, path, got)
	}()
	return r
}

func TestCheck(t *testing.T) {
	require.False(t, Rewrite(), "the package's own tests run without -rewrite")
	path := filepath.Join(t.TempDir(), "out.golden")
	require.NoError(t, os.WriteFile(path, []byte("same\n"), 0o644))

	assert.False(t, check(t, path, []byte("same\n")).failed, "equal output passes")
	assert.True(t, check(t, path, []byte("other\n")).failed, "different output fails")
	assert.True(t, check(t, filepath.Join(t.TempDir(), "missing.golden"), nil).failed, "a missing file fails")
}

func TestCommand(t *testing.T) {
	t.Run("sub case", func(t *testing.T) {
		assert.Equal(t, "go test ./internal/golden -run '^TestCommand$/^sub_case$' -rewrite", Command(t))
	})
}

func TestCheckRewrite(t *testing.T) {
	require.NoError(t, flag.Set(FlagName, "true"))
	t.Cleanup(func() { require.NoError(t, flag.Set(FlagName, "false")) })
	path := filepath.Join(t.TempDir(), "dir", "new.golden")
	assert.False(t, check(t, path, []byte("fresh\n")).failed)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "fresh\n", string(b), "-rewrite writes the output, creating directories")
}

func checkSection(t *testing.T, path, name string, got []byte) *recorder {
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != any(r) {
				panic(p)
			}
		}()
		CheckSection(r, path, name, got)
	}()
	return r
}

func TestCheckSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.md")
	doc := "# Title\n\nhand text\n<!-- BEGIN table -->\n| a |\n<!-- END table -->\nmore text\n"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	assert.False(t, checkSection(t, path, "table", []byte("| a |\n")).failed, "equal section passes")
	assert.True(t, checkSection(t, path, "table", []byte("| b |\n")).failed, "a different section fails")
	assert.True(t, checkSection(t, path, "other", []byte("x\n")).failed, "a missing section fails")

	require.NoError(t, flag.Set(FlagName, "true"))
	t.Cleanup(func() { require.NoError(t, flag.Set(FlagName, "false")) })
	checkSection(t, path, "table", []byte("| b |\n"))
	checkSection(t, path, "other", []byte("x\n"))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "# Title\n\nhand text\n<!-- BEGIN table -->\n| b |\n<!-- END table -->\nmore text\n<!-- BEGIN other -->\nx\n<!-- END other -->\n", string(got),
		"the section is replaced in place, the hand text kept, a new section appended")
}
