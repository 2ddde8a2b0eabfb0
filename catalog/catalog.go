package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/scenario"
)

// scenarioFS holds the embedded scenario catalog (catalog/scenarios/*.scn).
//
//go:embed scenarios/*.scn
var scenarioFS embed.FS

// EmbeddedDir is the directory of the embedded scenarios in the module
// (the repository): an embedded scenario's File is its path there,
// catalog/scenarios/NAME.scn, which a user opens from a fresh clone and
// which explore, run and conform take as a scenario file, the same path
// findings (file:line) and expect lines name.
const EmbeddedDir = "catalog/scenarios"

// catalog parses the embedded scenarios once.
var catalog = sync.OnceValues(func() ([]*scenario.Scenario, error) {
	names, err := fs.Glob(scenarioFS, "scenarios/*.scn")
	if err != nil {
		return nil, fmt.Errorf("catalog: embedded scenarios: %w", err)
	}
	var out []*scenario.Scenario
	seen := map[string]string{}
	for _, n := range names {
		src, err := scenarioFS.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded scenarios: %w", err)
		}
		n = path.Join(EmbeddedDir, path.Base(n))
		s, err := parseAndCheck(n, src)
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded scenarios: %w", err)
		}
		if prev, dup := seen[s.Name]; dup {
			return nil, fmt.Errorf("catalog: embedded scenarios: %s: scenario %q is already defined in %s", n, s.Name, prev)
		}
		seen[s.Name] = n
		out = append(out, s)
	}
	SortScenarios(out)
	return out, nil
})

// SortScenarios orders scenarios by question, then name, as Catalog
// returns them.
func SortScenarios(ss []*scenario.Scenario) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Question != ss[j].Question {
			return ss[i].Question < ss[j].Question
		}
		return ss[i].Name < ss[j].Name
	})
}

// Catalog returns the embedded scenarios sorted by question, then name. The
// scenarios are shared: callers must not modify them.
func Catalog() ([]*scenario.Scenario, error) {
	ss, err := catalog()
	if err != nil {
		return nil, err
	}
	return append([]*scenario.Scenario(nil), ss...), nil
}

// CatalogScenario returns the embedded scenario with the given name.
func CatalogScenario(name string) (*scenario.Scenario, error) {
	ss, err := catalog()
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if s.Name == name {
			return s, nil
		}
	}
	var names []string
	for _, s := range ss {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	if near := scenario.Suggest(name, names); near != "" {
		return nil, fmt.Errorf("catalog: no scenario %q; did you mean %s?", name, near)
	}
	return nil, fmt.Errorf("catalog: no scenario %q among the catalog's %d (`migsim run --list` lists them)", name, len(names))
}

// Embedded reports whether the scenario is the embedded catalog's scenario
// of that name, unchanged (same hash).
func Embedded(s *scenario.Scenario) bool {
	ss, err := catalog()
	if err != nil {
		return false
	}
	for _, c := range ss {
		if c.Name == s.Name {
			return c.Hash == s.Hash
		}
	}
	return false
}

// LoadScenarioFile reads, parses and checks a scenario file
// (CheckScenario); errors carry the path and file:line:col. A path that is
// not a regular file, or a file above inputfile.Scenario, is refused.
func LoadScenarioFile(p string) (*scenario.Scenario, error) {
	src, err := inputfile.ReadFile(p, inputfile.Scenario)
	if err != nil {
		return nil, fmt.Errorf("catalog: scenario: %w", err)
	}
	return LoadScenario(p, src)
}

// LoadScenario parses and checks a scenario's text; file names it in
// errors.
func LoadScenario(file string, src []byte) (*scenario.Scenario, error) {
	s, err := parseAndCheck(file, src)
	if err != nil {
		return nil, fmt.Errorf("catalog: scenario: %w", err)
	}
	return s, nil
}

// IsScenarioPath reports whether FindScenario reads arg as a scenario
// file's path (it has a '/' or the .scn suffix) rather than a catalog name.
func IsScenarioPath(arg string) bool {
	return path.Ext(arg) == ".scn" || strings.ContainsAny(arg, "/"+string(os.PathSeparator))
}

// FindScenario resolves a scenario argument: a path to an existing file
// (anything containing a '/' or ending in .scn is taken as a path), else a
// name in the embedded catalog. A name the catalog lacks that is also the
// name of a file in the working directory says how to name the file.
func FindScenario(arg string) (*scenario.Scenario, error) {
	// A directory of scenarios (gen --out's) is named by its files.
	files := filepath.Join(arg, "*.scn")
	if IsScenarioPath(arg) {
		s, err := LoadScenarioFile(arg)
		if st, serr := os.Stat(arg); err != nil && serr == nil && st.IsDir() {
			return nil, fmt.Errorf("%w; a directory is not a scenario: name its scenario files (%s)", err, files)
		}
		return s, err
	}
	s, err := CatalogScenario(arg)
	if err != nil {
		if st, serr := os.Stat(arg); serr == nil && st.Mode().IsRegular() {
			return nil, fmt.Errorf("%w; a file %s exists here, but a scenario file is named by a path with a '/' or the .scn suffix: write ./%s", err, arg, arg)
		} else if serr == nil && st.IsDir() {
			return nil, fmt.Errorf("%w; a directory %s exists here, and a directory is not a scenario: name its scenario files (%s)", err, arg, files)
		}
	}
	return s, err
}
