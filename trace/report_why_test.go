package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
)

// TestWriteWhy: the Why section lists each ordering with its labels (and
// the oracle a reversed run fired instead), or says why there is none.
func TestWriteWhy(t *testing.T) {
	finding := engine.Result{Finding: &engine.Finding{Oracle: "frozen-context"}}
	cases := []struct {
		name string
		r    Report
		want []string
		not  []string
	}{
		{"no finding", Report{}, []string{"## Why\n\nNothing to explain: the run ends without a finding.\n\n"}, []string{"- scheduler step"}},
		{"not explained", Report{Result: finding, WhyNone: "not explained (--explain-runs 0)"},
			[]string{"## Why\n\nNot explained (--explain-runs 0).\n\n"}, []string{"- scheduler step", "An ordering names"}},
		{"no ordering", Report{Result: finding, Why: &Why{Text: "no ordering of two steps found: every move kept the finding (each of 9 steps moved both ways, 20 runs)"}},
			[]string{"## Why\n\nNo ordering of two steps found: every move kept the finding (each of 9 steps moved both ways, 20 runs).\n\nAn ordering names"},
			[]string{"- scheduler step"}},
		{"two orderings", Report{Result: finding, Why: &Why{Text: "2 orderings decide it", Orders: []WhyOrder{
			{Before: 3, After: 7, BeforeLabel: "vcpu0:mmio-write device_status=00", AfterLabel: "hv:resume-vcpus"},
			{Before: 5, After: 6, BeforeLabel: "src.pf:admin(tag 0)", AfterLabel: "src.vf1:finish-reset", Instead: "live"},
		}}},
			[]string{"2 orderings decide it.\n\n" +
				"- scheduler step 3 `vcpu0:mmio-write device_status=00` before scheduler step 7 `hv:resume-vcpus`\n" +
				"- scheduler step 5 `src.pf:admin(tag 0)` before scheduler step 6 `src.vf1:finish-reset` (reversed: `live` instead)\n\n" +
				"An ordering names two steps"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			writeWhy(&b, &c.r)
			for _, w := range c.want {
				assert.Contains(t, b.String(), w)
			}
			for _, n := range c.not {
				assert.NotContains(t, b.String(), n)
			}
		})
	}
}
