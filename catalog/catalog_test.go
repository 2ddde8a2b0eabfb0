package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalog_ParsesSortedAndUnique(t *testing.T) {
	ss, err := Catalog()
	require.NoError(t, err)
	require.NotEmpty(t, ss)
	names := map[string]bool{}
	for i, s := range ss {
		assert.False(t, names[s.Name], "duplicate scenario %s", s.Name)
		names[s.Name] = true
		assert.True(t, strings.HasPrefix(s.File, "catalog/scenarios/"), "%s comes from %s: its path in a clone", s.Name, s.File)
		_, err := os.Stat(filepath.Join("..", filepath.FromSlash(s.File)))
		assert.NoError(t, err, "%s: File opens from the module root", s.Name)
		assert.True(t, Embedded(s), "%s", s.Name)
		assert.NotEmpty(t, s.Expect, "%s states no expectation", s.Name)
		if i > 0 {
			p := ss[i-1]
			assert.True(t, p.Question < s.Question || (p.Question == s.Question && p.Name < s.Name),
				"%s (question %d) sorts before %s (question %d)", p.Name, p.Question, s.Name, s.Question)
		}
	}
	assert.True(t, names["smoke-migrate"], "the smoke scenario is embedded")
}

func TestCatalog_ReturnsACopy(t *testing.T) {
	a, err := Catalog()
	require.NoError(t, err)
	a[0] = nil
	b, err := Catalog()
	require.NoError(t, err)
	assert.NotNil(t, b[0])
}

func TestCatalog_Lookup(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	assert.Equal(t, "smoke-migrate", s.Name)
	_, err = CatalogScenario("no-such-scenario")
	require.Error(t, err)
	ss, cerr := Catalog()
	require.NoError(t, cerr)
	assert.Equal(t, fmt.Sprintf("catalog: no scenario \"no-such-scenario\" among the catalog's %d (`migsim run --list` lists them)", len(ss)),
		err.Error(), "the error says where the list is, not the 60 names")
	_, err = CatalogScenario("smoke-migrat")
	require.Error(t, err)
	assert.Equal(t, `catalog: no scenario "smoke-migrat"; did you mean smoke-migrate?`, err.Error(), "a near miss is named, the package once")
}

func TestCatalog_LoadScenarioFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.scn")
	require.NoError(t, os.WriteFile(good, []byte("scenario good\nguest vcpu0\n  probe\n"), 0o644))
	bad := filepath.Join(dir, "bad.scn")
	require.NoError(t, os.WriteFile(bad, []byte("scenario bad\nvfs lots\n"), 0o644))
	big := filepath.Join(dir, "big.scn")
	require.NoError(t, os.WriteFile(big, append([]byte("scenario big\n"), make([]byte, 4<<20)...), 0o644))
	cases := []struct {
		name string
		path string
		err  string
	}{
		{"good", good, ""},
		{"syntax error names file and line", bad, bad + `:2:5: vfs lots: want a number 1..65535`},
		{"missing file", filepath.Join(dir, "none.scn"), "none.scn: no such file"},
		{"a directory is refused", dir, dir + ": not a regular file (a directory): want a scenario file of at most 4 MiB"},
		{"a file above the limit is refused", big, big + ": 4194317 bytes, above the size limit of 4 MiB for a scenario file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := LoadScenarioFile(c.path)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.path, s.File)
			assert.False(t, Embedded(s))
		})
	}
}

func TestCatalog_FindScenario(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "smoke-migrate.scn")
	// Same name as the catalog's, different text: a path is a path.
	require.NoError(t, os.WriteFile(p, []byte("scenario smoke-migrate\nguest vcpu0\n  probe\n"), 0o644))
	cases := []struct {
		name     string
		arg      string
		embedded bool
	}{
		{"a name is looked up in the catalog", "smoke-migrate", true},
		{"a path is read", p, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := FindScenario(c.arg)
			require.NoError(t, err)
			assert.Equal(t, "smoke-migrate", s.Name)
			assert.Equal(t, c.embedded, Embedded(s))
		})
	}
}

// TestCatalog_FindScenarioDirectory: a directory (gen --out's) named as a
// path is refused as any input that is not a regular file, and named as
// a name the catalog lacks as any unknown name; both say to name its
// files. A catalog name stays the catalog's beside a directory of that
// name.
func TestCatalog_FindScenarioDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := FindScenario(dir)
	assert.EqualError(t, err, "catalog: scenario: "+dir+": not a regular file (a directory): want a scenario file of at most 4 MiB; a directory is not a scenario: name its scenario files ("+filepath.Join(dir, "*.scn")+")")
	t.Chdir(dir)
	require.NoError(t, os.Mkdir("generated", 0o755))
	require.NoError(t, os.Mkdir("smoke-migrate", 0o755))
	_, err = FindScenario("generated")
	assert.ErrorContains(t, err, `no scenario "generated" among the catalog's`)
	assert.ErrorContains(t, err, "; a directory generated exists here, and a directory is not a scenario: name its scenario files (generated/*.scn)")
	s, err := FindScenario("smoke-migrate")
	require.NoError(t, err)
	assert.True(t, Embedded(s))
}
