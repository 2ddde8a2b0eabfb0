package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
)

// TestLoadScenario_EveryProblemAtOnce: LoadScenario reports every problem
// of a file in one round, in file order (docs/scenarios.md, "Checked at
// load"): every bad argument of an operation line, and the problems of
// header directives, set, expect and explore lines together with the
// check's; a check against a value that did not parse is skipped.
func TestLoadScenario_EveryProblemAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string
	}{
		{"every bad argument of a line", "scenario m\nguest vcpu0\n  probe\n  write count=999 pattern=0x1ff q=4\n", "" +
			"m.scn:4:9: write: count=999: want a number 1..256\n" +
			"m.scn:4:19: write: pattern=0x1ff: want a number 0..255 (0x1ff is 511)\n" +
			"m.scn:4:33: write: q=4: want a number 0..0 (the scenario has queues 1: 0..0)"},
		{"an unknown edition hides no oracle", "scenario m\nguest vcpu0\n  probe\nexpect draft-2023 flr-vs-mode=complete-anyway pass\n" +
			"expect draft-2023 violation bogus\nexpect virtio-1.4 violation nope\nexpect virtio-1.5 pass\n", "" +
			"m.scn:5:29: expect: unknown oracle bogus (oracles: " + oracleList() + ")\n" +
			"m.scn:6:29: expect: unknown oracle nope (oracles: " + oracleList() + ")\n" +
			`m.scn:7:8: expect: unknown edition "virtio-1.5" (want draft-2023 or virtio-1.4); did you mean virtio-1.4?`},
		{"header values, a set line and the rest", "scenario m\nvfs 0\nqueues 2\nqueues 3\nset obj-limit=0 \"a b\"=1\n" +
			"guest vcpu0 vf=2\n  write q=9 count=0\nexplore schedules=0 seed=x\n", "" +
			"m.scn:2:5: vfs 0: want a number 1..65535\n" +
			"m.scn:4:1: queues: given twice (first at line 3)\n" +
			"m.scn:5:5: set obj-limit=0: want a number 1..255\n" +
			`m.scn:5:17: set: "a b=1": bad key "a b" (want ASCII letters, digits, '-', '_', '.', ':' or '/')` + "\n" +
			"m.scn:7:13: write: count=0: want a number 1..256\n" +
			"m.scn:8:9: explore: schedules=0: want a number 1..1000000000\n" +
			"m.scn:8:21: explore: seed=x: want a number 0..18446744073709551615"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadScenario("m.scn", []byte(tc.src))
			assert.Nil(t, s)
			require.Error(t, err)
			var ce *scenario.CheckError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "catalog: scenario: "+tc.want, err.Error())
		})
	}
}

func oracleList() string { return strings.Join(OracleNames(), ", ") }
