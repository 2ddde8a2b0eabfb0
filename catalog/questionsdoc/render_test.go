package questionsdoc

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestDoc fails when docs/questions.md differs from what Render renders
// from the embedded catalog. Regenerate with
// go test ./catalog/questionsdoc -run TestDoc -rewrite.
func TestDoc(t *testing.T) {
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	root := filepath.Join("..", "..")
	want := RenderFrom(ss, os.DirFS(filepath.Join(root, catalog.RegressDir)))
	file := filepath.Join(root, Path)
	if golden.Rewrite() {
		require.NoError(t, os.WriteFile(file, []byte(want), 0o644))
	}
	got, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./catalog/questionsdoc -run TestDoc -rewrite")
	assert.Equal(t, want, string(got), "%s is stale: run go test ./catalog/questionsdoc -run TestDoc -rewrite", Path)
}

// TestDocContent checks what the rendered catalog says for every
// seed question: all fifteen are there, with every expectation row, and a
// replay command for each violation or error row.
func TestDocContent(t *testing.T) {
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	doc := Render(ss)
	for q := 1; q <= 15; q++ {
		assert.Contains(t, doc, "\n## Question "+strconv.Itoa(q)+"\n", "question %d has no scenario", q)
	}
	for _, s := range ss {
		if s.Question == 0 && len(s.Explain) == 0 {
			assert.NotContains(t, doc, "### "+s.Name+"\n")
			continue
		}
		require.Contains(t, doc, "### "+s.Name+"\n")
		assert.NotEmpty(t, s.Explain, "%s: no explanation", s.Name)
		if s.Question > 0 {
			assert.NotEmpty(t, s.Requirements, "%s: no requirement IDs", s.Name)
		}
		for _, id := range s.Requirements {
			_, ok := spec.LookupRequirement(id)
			assert.True(t, ok, "%s: unknown requirement %s", s.Name, id)
		}
		for _, e := range s.Expect {
			if e.Verdict == scenario.VerdictViolation || e.Verdict == scenario.VerdictError {
				name := catalog.RegressName(s.Name, e.Edition, regressKnobs(e), catalog.SettingStrings(e.Settings))
				assert.Contains(t, doc, "replay "+catalog.RegressDir+"/"+name+"`", "%s:%d", s.File, e.Line)
			}
		}
	}
}

// BudgetText names a dfs budget's bound, or says it has none.
func TestBudgetText(t *testing.T) {
	for _, tc := range []struct {
		b    scenario.Budget
		want string
	}{
		{scenario.Budget{Strategy: engine.StrategyDFS, Bound: -1, Schedules: 500}, "dfs, run budget 500, no preemption bound"},
		{scenario.Budget{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 500}, "dfs, run budget 500, preemption bound 2"},
		{scenario.Budget{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 500, Reduction: "states"}, "dfs, run budget 500, preemption bound 2, sleep sets with state pruning"},
		{scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 300, Seed: 7, Depth: 3}, "pct, 300 schedules, seed 7, depth 3"},
		{scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 1, Seed: 1}, "random, 1 schedule, seed 1"},
	} {
		assert.Equal(t, tc.want, BudgetText(tc.b))
	}
}
