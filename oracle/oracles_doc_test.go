package oracle_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// TestOraclesDoc: docs/oracles.md is the registry rendered by oracle.Doc;
// regenerate it with go test ./oracle -run TestOraclesDoc -rewrite.
func TestOraclesDoc(t *testing.T) {
	path := filepath.Join("..", oracle.DocPath)
	want := oracle.Doc()
	if golden.Rewrite() {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "%s is stale: run %s", oracle.DocPath, oracle.RegenerateDoc)
}

// TestOraclesDocContent: the document names every oracle with its
// meaning, hooks and requirement texts, and every verdict that is not one.
func TestOraclesDocContent(t *testing.T) {
	doc := oracle.Doc()
	for _, o := range oracle.All() {
		info := o.Info()
		has := func(s string) { assert.True(t, strings.Contains(doc, s), "%s: the document lacks %q", info.Name, s) }
		has("\n## " + info.Name + "\n")
		has(info.Doc[1:])
		has(info.Observes[1:])
		for _, h := range observe.HooksOf(o) {
			has("`" + string(h) + "`")
		}
		for _, id := range info.Reqs {
			r, ok := spec.LookupRequirement(id)
			require.True(t, ok, "%s cites unknown requirement %s", info.Name, id)
			has("- " + id + " (")
			has(r.Text)
		}
	}
	for _, v := range oracle.Verdicts() {
		assert.True(t, strings.Contains(doc, "| `"+v.Name+"` |"), "verdict %s is not documented", v.Name)
	}
	assert.False(t, strings.Contains(doc, "DESIGN"), "the document cites no planning document")
}
