package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shellVar returns the value of the shell variable name as .ci/run
// assigns it: single-quoted pieces joined by a backslash at a line's end.
func shellVar(t *testing.T, script, name string) string {
	t.Helper()
	var b strings.Builder
	found := false
	for _, line := range strings.Split(script, "\n") {
		if !found {
			if !strings.HasPrefix(line, name+"=") {
				continue
			}
			found = true
			line = strings.TrimPrefix(line, name+"=")
		}
		cont := strings.HasSuffix(line, `\`)
		for _, piece := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(line, -1) {
			b.WriteString(piece[1])
		}
		if !cont {
			break
		}
	}
	require.True(t, found, ".ci/run assigns %s", name)
	return b.String()
}

// testFuncs parses the test files of the package in dir and returns its
// test functions by name.
func testFuncs(t *testing.T, dir string) map[string]*ast.FuncDecl {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	require.NoError(t, err)
	fns := map[string]*ast.FuncDecl{}
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, d := range af.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				fns[fn.Name.Name] = fn
			}
		}
	}
	return fns
}

// oneGoroutine lists what in fn's body may run code on a goroutine of
// its own: a go statement, t.Parallel, JudgeAll (rows side by side), and
// a JudgeConfig or ExploreConfig literal whose Jobs is not the literal 1
// (zero is GOMAXPROCS).
func oneGoroutine(fn *ast.FuncDecl) []string {
	var bad []string
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			bad = append(bad, "a go statement")
		case *ast.Ident:
			if n.Name == "Parallel" || n.Name == "JudgeAll" {
				bad = append(bad, n.Name)
			}
		case *ast.CompositeLit:
			typ := ""
			switch x := n.Type.(type) {
			case *ast.Ident:
				typ = x.Name
			case *ast.SelectorExpr:
				typ = x.Sel.Name
			}
			if typ != "JudgeConfig" && typ != "ExploreConfig" {
				return true
			}
			jobs := ""
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Jobs" {
						if v, ok := kv.Value.(*ast.BasicLit); ok {
							jobs = v.Value
						} else {
							jobs = "?"
						}
					}
				}
			}
			if jobs != "1" {
				bad = append(bad, typ+" without Jobs: 1")
			}
		}
		return true
	})
	return bad
}

// TestCatalogRaceSkipRunsOneGoroutine: the catalog tests .ci/run leaves
// out of its race step (catalog_race_skip) exist, and start no goroutine
// the race detector could report on: no go statement, no parallel
// subtests, no JudgeAll, and every JudgeConfig they build judges with
// Jobs 1. A test renamed, or changed to run jobs side by side, fails here
// instead of being raced by nobody. It looks at each test's own body, not
// at the helpers it calls.
func TestCatalogRaceSkipRunsOneGoroutine(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	require.NoError(t, err)
	skip := shellVar(t, string(script), "catalog_race_skip")
	m := regexp.MustCompile(`^\^\(([A-Za-z0-9_|]+)\)\$$`).FindStringSubmatch(skip)
	require.NotNil(t, m, "catalog_race_skip is ^(Name|Name...)$: %q", skip)
	fns := testFuncs(t, filepath.Join(root, "catalog"))
	names := strings.Split(m[1], "|")
	require.NotEmpty(t, names)
	for _, name := range names {
		fn, ok := fns[name]
		if !assert.True(t, ok, "catalog_race_skip names %s, which catalog's tests do not define", name) {
			continue
		}
		assert.Empty(t, oneGoroutine(fn), "%s is left out of the race step but may run on several goroutines", name)
	}
}

// TestOneGoroutine checks oneGoroutine on test bodies that must pass and
// fail.
func TestOneGoroutine(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{`Judge(ctx, s, e, JudgeConfig{Jobs: 1, MaxRuns: 10})`, nil},
		{`engine.Explore(ctx, engine.ExploreConfig{Jobs: 1})`, nil},
		{`replayed(t, "x")`, nil},
		{`Judge(ctx, s, e, JudgeConfig{})`, []string{"JudgeConfig without Jobs: 1"}},
		{`Judge(ctx, s, e, JudgeConfig{Jobs: 2})`, []string{"JudgeConfig without Jobs: 1"}},
		{`Judge(ctx, s, e, JudgeConfig{Jobs: n})`, []string{"JudgeConfig without Jobs: 1"}},
		{`engine.Explore(ctx, engine.ExploreConfig{Bound: 2})`, []string{"ExploreConfig without Jobs: 1"}},
		{`go func() {}()`, []string{"a go statement"}},
		{`t.Run("x", func(t *testing.T) { t.Parallel() })`, []string{"Parallel"}},
		{`JudgeAll(ctx, rows, cfg)`, []string{"JudgeAll"}},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x_test.go", "package x\nfunc TestX(t *testing.T) {\n"+c.body+"\n}\n", 0)
		require.NoError(t, err, c.body)
		assert.Equal(t, c.want, oneGoroutine(f.Decls[0].(*ast.FuncDecl)), c.body)
	}
}
