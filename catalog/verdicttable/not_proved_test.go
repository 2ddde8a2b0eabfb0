package verdicttable

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestWriteText_NotProved: a table whose matched pass rows are not all
// proved at bound 2 says how many and how to prove them; a table whose
// pass rows are proved, or that marks them UNPROVED (--require-proof),
// does not.
func TestWriteText_NotProved(t *testing.T) {
	spent := explored.Run{Role: explored.RoleProof, Budget: scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 100, Bound: 2},
		Explored: engine.Summary{Schedules: 3, BoundHit: true}}
	proved := spent
	proved.Explored.Complete = true
	atBound0 := proved
	atBound0.Budget.Bound = 0
	pass, violation := scenario.VerdictPass, scenario.VerdictViolation
	row := func(name string, expected, got scenario.Verdict, runs ...explored.Run) catalog.Outcome {
		return catalog.Outcome{Scenario: name, Edition: spec.Virtio14, Expected: expected, Got: got, Match: expected == got, Runs: runs}
	}
	unproved := row("u", pass, pass, spent)
	unproved.Unproved = "no dfs search exhausted bound 2 or more"
	for _, tc := range []struct {
		name string
		rows []catalog.Outcome
		want string // "" for no note
	}{
		{"one proved, one spent", []catalog.Outcome{row("a", pass, pass, proved), row("b", pass, pass, spent)},
			"Not proved: 1 pass row matched without a proof: none of its dfs searches ran every schedule within preemption bound 2 (EXPLORED says how far it got)."},
		{"exhaustive at bound 0 only, and no search at all", []catalog.Outcome{row("a", pass, pass, atBound0), row("b", pass, pass)},
			"Not proved: 2 pass rows matched without a proof: none of their dfs searches ran every schedule within preemption bound 2 (EXPLORED says how far each got)."},
		{"every pass row proved", []catalog.Outcome{row("a", pass, pass, proved)}, ""},
		{"a violation row needs no proof", []catalog.Outcome{row("a", violation, violation)}, ""},
		{"a mismatched pass row is not counted", []catalog.Outcome{row("a", pass, violation, spent)}, ""},
		{"rows marked UNPROVED are listed instead", []catalog.Outcome{unproved, row("b", pass, pass, spent)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteText(&b, tc.rows, "", ""))
			flat := joinWrapped(b.String())
			if tc.want == "" {
				assert.NotContains(t, flat, "Not proved:")
				return
			}
			assert.Contains(t, flat, tc.want+" --proof-runs N raises the run budget of every row's proof")
			assert.Contains(t, flat, "--require-proof makes such a row UNPROVED (exit 1).\n\n"+plural.Count(len(tc.rows), "row")+": ")
		})
	}
}

// joinWrapped undoes the wrapping of the lines under the table: a line
// that begins with four spaces continues the line before it.
func joinWrapped(s string) string {
	var b bytes.Buffer
	for i, line := range bytes.Split([]byte(s), []byte("\n")) {
		if i > 0 {
			if rest, ok := bytes.CutPrefix(line, []byte("    ")); ok && len(rest) > 0 && rest[0] != ' ' {
				b.WriteByte(' ')
				b.Write(rest)
				continue
			}
			b.WriteByte('\n')
		}
		b.Write(line)
	}
	return b.String()
}
