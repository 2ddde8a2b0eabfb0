package layout

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	root   = "../.."
	module = "github.com/migsim/migsim"
)

// graph maps each package of the module (by path relative to the root,
// "cmd/migsim") to the import paths of its non-test files.
type graph map[string][]string

// loadGraph parses the imports of every non-test Go file of the module.
func loadGraph(t *testing.T) graph {
	t.Helper()
	g := graph{}
	fset := token.NewFileSet()
	walkGoFiles(t, false, func(path, pkg string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if _, ok := g[pkg]; !ok {
			g[pkg] = nil
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if !slices.Contains(g[pkg], p) {
				g[pkg] = append(g[pkg], p)
			}
		}
		return nil
	})
	require.Contains(t, g, "engine", "the walk found the module's packages")
	return g
}

// local returns the module package an import path names, if it is one.
func local(imp string) (string, bool) {
	return strings.CutPrefix(imp, module+"/")
}

// deps returns every import path pkg depends on, transitively (module
// packages by relative path, others as imported).
func (g graph) deps(pkg string) []string {
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		for _, imp := range g[p] {
			key := imp
			if l, ok := local(imp); ok {
				key = l
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			if l, ok := local(imp); ok {
				walk(l)
			}
		}
	}
	walk(pkg)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestForbiddenImports keeps the rules of docs/architecture.md, "Rules the
// layout keeps": what each package may not depend on, even indirectly.
func TestForbiddenImports(t *testing.T) {
	g := loadGraph(t)
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"engine", []string{"spec", "pcie", "virtq", "devctx", "adminq", "member", "owner", "world", "guest",
			"scenario", "oracle", "catalog", "trace", "github.com/gopacket/gopacket"}},
		{"member", []string{"world", "engine", "owner", "guest", "oracle", "catalog", "trace"}},
		{"owner", []string{"world", "engine", "guest", "oracle", "catalog", "trace"}},
		{"world", []string{"oracle", "catalog", "trace", "cmd"}},
		{"oracle", []string{"catalog", "trace", "cmd"}},
		{"spec", []string{module}},
		{"scenario", []string{"pcie", "member", "owner", "world", "engine"}},
	}
	for _, r := range rules {
		var pkgs []string
		for p := range g {
			if p == r.pkg || strings.HasPrefix(p, r.pkg+"/") {
				pkgs = append(pkgs, p)
			}
		}
		require.NotEmpty(t, pkgs, "no package %s", r.pkg)
		for _, p := range pkgs {
			for _, d := range g.deps(p) {
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") {
						t.Errorf("%s depends on %s (forbidden for %s)", p, d, r.pkg)
					}
				}
			}
		}
	}
}

// diagram reads the Mermaid graph of docs/architecture.md: the solid edges
// (imports) and the dashed ones (planned packages), by package path.
func diagram(t *testing.T) (solid, dashed [][2]string, nodes map[string]bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	require.NoError(t, err)
	doc := string(b)
	start := strings.Index(doc, "```mermaid\ngraph")
	require.GreaterOrEqual(t, start, 0, "docs/architecture.md has a mermaid graph")
	end := strings.Index(doc[start+3:], "```")
	require.Positive(t, end)
	node := regexp.MustCompile(`^([A-Za-z0-9]+)(?:\[([^\]]+)\])?(?::::[a-z]+)?$`)
	labels := map[string]string{}
	name := func(tok string) string {
		m := node.FindStringSubmatch(strings.TrimSpace(tok))
		require.NotNil(t, m, "diagram node %q", tok)
		if m[2] != "" {
			labels[m[1]] = m[2]
		}
		if l, ok := labels[m[1]]; ok {
			return l
		}
		return m[1]
	}
	nodes = map[string]bool{}
	for _, line := range strings.Split(doc[start:start+3+end], "\n") {
		if m := node.FindStringSubmatch(strings.TrimSpace(line)); m != nil && m[2] != "" {
			nodes[name(line)] = true // a package that imports none of the others and none imports: a node alone
			continue
		}
		for _, arrow := range []string{"-.->", "-->"} {
			a, b, ok := strings.Cut(line, arrow)
			if !ok {
				continue
			}
			e := [2]string{name(a), name(b)}
			nodes[e[0]], nodes[e[1]] = true, true
			if arrow == "-->" {
				solid = append(solid, e)
			} else {
				dashed = append(dashed, e)
			}
			break
		}
	}
	return solid, dashed, nodes
}

// TestArchitectureDiagram: every solid arrow of the diagram is an import,
// the arrows reach exactly what the imports reach, every package is drawn,
// and a dashed (planned) package does not exist yet.
func TestArchitectureDiagram(t *testing.T) {
	g := loadGraph(t)
	solid, dashed, nodes := diagram(t)
	real := graph{}
	for p, imps := range g {
		if strings.HasPrefix(p, "internal/") { // test helpers, not part of the design
			continue
		}
		real[p] = nil
		for _, imp := range imps {
			if l, ok := local(imp); ok {
				real[p] = append(real[p], module+"/"+l)
			}
		}
		assert.True(t, nodes[p], "package %s is not in the diagram", p)
	}
	drawn := graph{}
	for _, e := range solid {
		require.Contains(t, real, e[0], "the diagram draws %s, which is not a package", e[0])
		require.Contains(t, real, e[1], "the diagram draws %s, which is not a package", e[1])
		assert.Contains(t, real[e[0]], module+"/"+e[1], "the diagram says %s imports %s; it does not", e[0], e[1])
		drawn[e[0]] = append(drawn[e[0]], module+"/"+e[1])
	}
	for _, e := range dashed {
		_, exists := real[e[0]]
		assert.False(t, exists, "%s exists: draw its imports as solid arrows", e[0])
	}
	for p := range real {
		want := []string{}
		for _, d := range real.deps(p) {
			if _, ok := real[d]; ok {
				want = append(want, d)
			}
		}
		assert.Equal(t, want, drawn.deps(p), "what %s reaches in the diagram differs from its imports", p)
	}
}
