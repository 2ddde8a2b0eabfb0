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
// finds, with the labels of the run's steps and, for a PF's admin step,
// the command it completed; with no run budget it says the finding was not
// explained.
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
		{"explained", explain.DefaultRuns, append(whyLines(ex, res.Choices),
			// The owner's context read, not its freeze, races the reset.
			"`src.pf:admin(tag 0)` (DEV_CTX_READ SR-IOV member 1: OK result=16B) before scheduler step ")},
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
			assert.Equal(t, c.runs > 0, strings.Contains(string(b), "\n- scheduler step "))
			for _, ext := range []string{".pcapng", ".dot"} {
				assert.FileExists(t, strings.TrimSuffix(md, ".md")+ext)
			}
			assert.Equal(t, dir, filepath.Dir(md))
		})
	}
}

// whyLines returns what the report says of ex: its summary line, and the
// start and the end of each ordering's line (the admin command a PF's step
// completed may sit after each label).
func whyLines(ex *explain.Explanation, cs []engine.Choice) []string {
	out := []string{"## Why\n\n" + strings.ToUpper(ex.Text()[:1]) + ex.Text()[1:] + ".\n\n"}
	for _, o := range ex.Orders {
		out = append(out, "\n- scheduler step "+strconv.Itoa(o.Before)+" `"+cs[o.Before].Label+"`",
			" before scheduler step "+strconv.Itoa(o.After)+" `"+cs[o.After].Label+"`")
	}
	return out
}
