package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// The shrunk finding's explanation goes into the JSON document's why
// object with the orderings the text prints, each step numbered and
// labelled as the text shows it, with the oracle a reversed run had
// instead and, when it is the finding's own, its message; an ordering naming a step outside the
// run is left out; without an explanation (--explain-runs 0) there is no
// why object.
func TestExploration_WhyInJSON(t *testing.T) {
	cs := []engine.Choice{{Label: "vcpu0:kick"}, {Label: "hv:stop"}, {Label: "src.vf1:fetch(q0)"}, {Label: "vcpu0:read"}}
	for _, tc := range []struct {
		name string
		ex   *explain.Explanation
		want *DocWhy
	}{
		{name: "two orders", ex: &explain.Explanation{Orders: []explain.Order{{Before: 0, After: 2, Moved: 2, Instead: "no-dma-when-stopped"}, {Before: 1, After: 3, Moved: 1}},
			Steps: 4, Checked: 3, Runs: 9, Unpinned: 1},
			want: &DocWhy{Orders: []DocOrder{{Before: DocSliceStep{1, "vcpu0:kick"}, After: DocSliceStep{3, "src.vf1:fetch(q0)"}, Moved: 3, Instead: "no-dma-when-stopped"},
				{Before: DocSliceStep{2, "hv:stop"}, After: DocSliceStep{4, "vcpu0:read"}, Moved: 2}}, Steps: 4, Checked: 3, Runs: 9, Unpinned: 1}},
		{name: "another reason", ex: &explain.Explanation{Orders: []explain.Order{{Before: 0, After: 3, Moved: 3, Instead: "transparent", InsteadMessage: "entry 4 differs"}},
			Steps: 4, Checked: 4, Runs: 8},
			want: &DocWhy{Orders: []DocOrder{{Before: DocSliceStep{1, "vcpu0:kick"}, After: DocSliceStep{4, "vcpu0:read"}, Moved: 4,
				Instead: "transparent", InsteadMessage: "entry 4 differs"}}, Steps: 4, Checked: 4, Runs: 8}},
		{name: "a flow error", ex: &explain.Explanation{Orders: []explain.Order{}, Steps: 3, Checked: 3, Cause: true, Runs: 6},
			want: &DocWhy{Orders: []DocOrder{}, Steps: 3, Checked: 3, Cause: true, Runs: 6}},
		{name: "an order outside the run", ex: &explain.Explanation{Orders: []explain.Order{{Before: 0, After: 7, Moved: 7}}, Steps: 4, Checked: 4, Runs: 2, Interrupted: true},
			want: &DocWhy{Orders: []DocOrder{}, Steps: 4, Checked: 4, Runs: 2, Interrupted: true}},
		{name: "skipped", ex: &explain.Explanation{Orders: []explain.Order{}, Steps: 4, Skipped: "a step-bound finding"},
			want: &DocWhy{Orders: []DocOrder{}, Steps: 4, Skipped: "a step-bound finding"}},
		{name: "not explained"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := engine.Finding{Oracle: "transparent", Step: 3}
			size := engine.Size{Steps: 4, Relevant: 4}
			r := &Exploration{Summary: engine.Summary{Schedules: 1, Failing: 1, Findings: []engine.Report{{Finding: fd}}},
				Shrunk: &engine.ShrinkResult{Before: size, After: size, Replays: 1, Executed: 1,
					Result: engine.Result{Choices: cs, Finding: &fd}, Slice: []int{0, 1, 2, 3}}, Explained: tc.ex}
			d := r.Doc()
			js, err := json.Marshal(d)
			require.NoError(t, err)
			if tc.want == nil {
				assert.Nil(t, d.Why)
				assert.NotContains(t, string(js), `"why"`)
				return
			}
			tc.want.Text = tc.ex.Text()
			assert.Equal(t, tc.want, d.Why)
			assert.Contains(t, string(js), `"why":{"text":`)
			var text bytes.Buffer
			r.PrintResult(&text, nil)
			assert.Contains(t, text.String(), "  why: "+tc.want.Text+"\n")
			for _, o := range d.Why.Orders {
				line := fmt.Sprintf("    step %d %s before step %d %s", o.Before.Step, o.Before.Label, o.After.Step, o.After.Label)
				assert.Contains(t, text.String(), line, "the text prints the order the JSON holds")
				switch {
				case o.InsteadMessage != "":
					assert.Contains(t, text.String(), line+" (reversed: "+o.Instead+" instead, for another reason: "+o.InsteadMessage+")\n")
					assert.Contains(t, string(js), `"instead_message":"`+o.InsteadMessage+`"`)
				case o.Instead != "":
					assert.Contains(t, text.String(), line+" (reversed: "+o.Instead+" instead)\n")
				}
			}
		})
	}
}
