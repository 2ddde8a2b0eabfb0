package report

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/trace"
)

// regress is a catalog regression schedule: a guest's virtio reset racing
// the source's freeze completes inside Freeze (frozen-context).
const regress = "../catalog/testdata/regress/reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json"

// TestWrite: the report's Why section lists exactly the orderings Explain
// finds, with the labels of the run's steps; with no run budget it says
// the finding was not explained.
func TestWrite(t *testing.T) {
	sc, err := catalog.ReadScheduleFile(regress)
	require.NoError(t, err)
	res, _, err := catalog.RecordSchedule(sc, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	ex, err := Explain(sc, res, catalog.DefaultJudgeMaxSteps, explain.DefaultRuns)
	require.NoError(t, err)
	require.NotEmpty(t, ex.Orders, "the catalog's explanation of this finding names orderings")

	cases := []struct {
		name string
		runs int
		want []string
	}{
		{"explained", explain.DefaultRuns, whyLines(ex, res.Choices)},
		{"not explained", 0, []string{"## Why\n\nNot explained (--explain-runs 0).\n\n## Scenario\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			md, err := Write(sc, regress, dir, Options{Steps: trace.DefaultReportSteps, MaxSteps: catalog.DefaultJudgeMaxSteps, ExplainRuns: c.runs})
			require.NoError(t, err)
			b, err := os.ReadFile(md)
			require.NoError(t, err)
			for _, w := range c.want {
				assert.Contains(t, string(b), w)
			}
			for _, ext := range []string{".pcapng", ".dot"} {
				assert.FileExists(t, strings.TrimSuffix(md, ".md")+ext)
			}
			assert.Equal(t, dir, filepath.Dir(md))
		})
	}
}

// whyLines renders the orderings of ex as the report lists them.
func whyLines(ex *explain.Explanation, cs []engine.Choice) []string {
	out := []string{"## Why\n\n" + strings.ToUpper(ex.Text()[:1]) + ex.Text()[1:] + ".\n\n"}
	for _, o := range ex.Orders {
		l := "- scheduler step " + strconv.Itoa(o.Before) + " `" + cs[o.Before].Label + "` before scheduler step " + strconv.Itoa(o.After) + " `" + cs[o.After].Label + "`"
		if o.Instead != "" {
			l += " (reversed: `" + o.Instead + "` instead)"
		}
		out = append(out, l+"\n")
	}
	return out
}
