package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modeArg is the argument that gives the mode of each call that creates a
// file or a directory with a mode its caller chooses.
var modeArg = map[string]int{"WriteFile": 2, "OpenFile": 2, "MkdirAll": 1, "Mkdir": 1}

// Every file and directory migsim creates follows one rule for its mode
// (internal/keepfile's package comment): its callers of os.WriteFile,
// os.OpenFile, os.MkdirAll and os.Mkdir give keepfile.Perm or
// keepfile.DirPerm (0 opens a file it does not create), never a mode of
// their own, as 0644 where os.Create gives 0666 less the umask.
func TestFileModesFollowKeepfile(t *testing.T) {
	fset := token.NewFileSet()
	var bad []string
	calls := 0
	walkGoFiles(t, false, func(path, pkg string) error {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inKeepfile := f.Name.Name == "keepfile"
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "os" {
				return true
			}
			i, ok := modeArg[sel.Sel.Name]
			if !ok || i >= len(call.Args) {
				return true
			}
			calls++
			if !allowedMode(call.Args[i], inKeepfile) {
				bad = append(bad, fset.Position(call.Pos()).String())
			}
			return true
		})
		return nil
	})
	require.NotZero(t, calls, "no call found: the scan is broken")
	assert.Empty(t, bad, "modes other than keepfile.Perm and keepfile.DirPerm")
}

// allowedMode reports whether e is keepfile.Perm or keepfile.DirPerm
// (Perm or DirPerm in package keepfile itself) or the literal 0.
func allowedMode(e ast.Expr, inKeepfile bool) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Value == "0"
	case *ast.Ident:
		return inKeepfile && (e.Name == "Perm" || e.Name == "DirPerm")
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "keepfile" && (e.Sel.Name == "Perm" || e.Sel.Name == "DirPerm")
	}
	return false
}
