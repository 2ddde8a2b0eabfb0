package report

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
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
// finds, with the labels of the run's steps and, for a PF's admin step,
// the command it completed; with no run budget it says the finding was not
// explained.
func TestWrite(t *testing.T) {
	sc, err := catalog.ReadScheduleFile(regress)
	require.NoError(t, err)
	res, _, err := catalog.RecordSchedule(sc, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	ex, err := Explain(context.Background(), sc, res, catalog.DefaultJudgeMaxSteps, explain.DefaultRuns)
	require.NoError(t, err)
	require.NotEmpty(t, ex.Orders, "the catalog's explanation of this finding names orderings")

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		runs int
		want []string
		re   []string
		not  []string
	}{
		{"explained", context.Background(), explain.DefaultRuns, []string{whySummary(ex),
			// The owner's context read, not its freeze, races the reset.
			"`src.pf:admin(tag 0)` (DEV_CTX_READ SR-IOV member 1: OK result=16B) before step ",
			"\nAn ordering names two steps"}, whyLines(ex, res.Choices), nil},
		{"not explained", context.Background(), 0, []string{"## Why\n\nNot explained (--explain-runs 0).\n\n## Scenario\n"}, nil,
			[]string{"\n- step ", "An ordering names"}},
		{"interrupted", cancelled, explain.DefaultRuns,
			[]string{"## Why\n\nNot explained: interrupted before one step was moved both ways (0 runs).\n\n## Scenario\n"}, nil,
			[]string{"\n- step ", "An ordering names"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			wrote, err := Write(c.ctx, sc, regress, dir, Options{Steps: trace.DefaultReportSteps, MaxSteps: catalog.DefaultJudgeMaxSteps, ExplainRuns: c.runs})
			require.NoError(t, err)
			require.Len(t, wrote, 4, "the Markdown, pcapng and DOT files, and the dissector")
			lua, err := os.ReadFile(wrote[3])
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, "migsim.lua"), wrote[3])
			want, err := os.ReadFile("../docs/migsim.lua")
			require.NoError(t, err)
			assert.Equal(t, string(want), string(lua), "the dissector beside the pcapng is docs/migsim.lua")
			md := wrote[0]
			b, err := os.ReadFile(md)
			require.NoError(t, err)
			for _, w := range c.want {
				assert.Contains(t, string(b), w)
			}
			for _, re := range c.re {
				assert.Regexp(t, re, string(b))
			}
			for _, n := range c.not {
				assert.NotContains(t, string(b), n)
			}
			for i, ext := range []string{".md", ".pcapng", ".dot"} {
				assert.Equal(t, strings.TrimSuffix(md, ".md")+ext, wrote[i])
				assert.FileExists(t, wrote[i])
			}
			assert.Equal(t, dir, filepath.Dir(md))
		})
	}
}

// whySummary is the summary line the report prints for ex.
func whySummary(ex *explain.Explanation) string {
	return "## Why\n\n" + strings.ToUpper(ex.Text()[:1]) + ex.Text()[1:] + ".\n\n"
}

// whyLines returns a pattern per ordering of ex for its whole line: both
// steps with the number output shows (index+1, the trace's) and labels, each
// label followed by the admin commands its step completed, if any.
func whyLines(ex *explain.Explanation, cs []engine.Choice) []string {
	var out []string
	step := func(i int) string {
		return "step " + strconv.Itoa(i+1) + " `" + regexp.QuoteMeta(cs[i].Label) + "`( \\([^\\n]*\\))?"
	}
	for _, o := range ex.Orders {
		out = append(out, "\n- "+step(o.Before)+" before "+step(o.After)+"\n")
	}
	return out
}
