package scenario

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseAndCheck_HeaderProblemsWithTheRest: a problem of a header
// directive, set, expect or explore line is reported with every other
// problem of the file, the check's included, in file order
// (docs/scenarios.md, "Checked at load"); a check that depends on the
// broken value is skipped, not reported against a value nobody wrote.
func TestParseAndCheck_HeaderProblemsWithTheRest(t *testing.T) {
	const guest = "guest g\n  write count=1\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"an unknown edition hides no oracle", "scenario a\nquestion 1\n" + guest +
			"expect draft-2023 violation bogus\n" +
			"expect virtio-1.4 violation nope\n" +
			"expect virtio-1.5 violation nada\n", []string{
			"5:29 expect: unknown oracle bogus (oracles: live)",
			"6:29 expect: unknown oracle nope (oracles: live)",
			`7:8 expect: unknown edition "virtio-1.5" (want draft-2023 or virtio-1.4); did you mean virtio-1.4?`,
			"7:29 expect: unknown oracle nada (oracles: live)",
		}},
		{"a bad vfs skips the VF checks only", "scenario a\nvfs 0\nguest g vf=3\n  write count=999\n  mode src vf=70000\n", []string{
			"2:5 vfs 0: want a number 1..65535",
			"4:9 write: count=999: want a number 1..256",
			"5:12 mode: vf=70000: want a number 1..65535",
		}},
		{"a bad queues skips the queue checks only", "scenario a\nqueues 99\nguest g\n  write count=1 q=5\n  write count=1 q=64\n", []string{
			"2:8 queues 99: want a number 1..64",
			"5:17 write: q=64: want a number 0..63",
		}},
		{"directives given twice", "scenario a\nvfs 2\nquestion 1\nvfs 1\nscenario b\ntitle x\ntitle y\nquestion 2\nguest g vf=2\n  write count=1\n", []string{
			"4:1 vfs: given twice (first at line 2)",
			"5:1 scenario: given twice (first at line 1)",
			"7:1 title: given twice (first at line 6)",
			"8:1 question: given twice (first at line 3)",
		}},
		{"every word of a set line", "scenario a\nset capacity=0 alone \"a b\"=1 vcpus=9\n" + guest, []string{
			"2:5 set capacity=0: want a number 1..64",
			`2:16 set: "alone" is not key=value`,
			`2:22 set: "a b=1": bad key "a b" (want ASCII letters, digits, '-', '_', '.', ':' or '/')`,
			"2:30 set vcpus=9: want a number 1..8",
		}},
		{"every number of an explore line", "scenario a\n" + guest + "explore strategy=pct schedules=0 depth=99 seed=x\n", []string{
			"4:22 explore: schedules=0: want a number 1..1000000000",
			"4:34 explore: depth=99: want a number 1..64",
			"4:43 explore: seed=x: want a number 0..18446744073709551615",
		}},
		{"keys of an explore line in file order", "scenario a\n" + guest + "explore bound=2 schedules=0 strategy=pct\n", []string{
			"4:9 explore: bound: only dfs has a preemption bound (strategy pct ignores it)",
			"4:17 explore: schedules=0: want a number 1..1000000000",
		}},
		{"an unknown strategy skips the checks of the keys it takes", "scenario a\n" + guest + "explore strategy=bfs bound=2 x=1 schedules=1\n", []string{
			`4:9 explore: strategy: unknown strategy "bfs" (want random, pct or dfs); did you mean dfs?`,
			`4:30 explore: x: unknown key "x" (want edition, strategy, schedules, bound, depth, seed, reduction, proof, proof-bound)`,
		}},
		{"a broken explore line skips the rows' proof checks", "scenario a\n" + guest +
			"expect draft-2023 proof-bound=3 pass\nexplore strategy=dfs schedules=0 bound=2\n", []string{
			"5:22 explore: schedules=0: want a number 1..1000000000",
		}},
		{"an unknown edition skips the row's proof check", "scenario a\n" + guest +
			"expect draft-2033 proof=3 pass\nexplore strategy=dfs schedules=1 bound=2\n", []string{
			`4:8 expect: unknown edition "draft-2033" (want draft-2023 or virtio-1.4); did you mean draft-2023?`,
		}},
		{"a block without operations", "scenario a\nguest g\nexpect draft-2023 violation bogus\n", []string{
			"2:7 guest g has no operations",
			"3:29 expect: unknown oracle bogus (oracles: live)",
		}},
		{"a problem that stops the parse ends the report", "scenario a\nvfs 0\n" + guest + "expect draft-2023 violation bogus\nfrob\nvfs 3\n", []string{
			"2:5 vfs 0: want a number 1..65535",
			`6:1 unknown directive "frob" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore)`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := argsVocabulary()
			v.Oracles = []string{"live"}
			s, err := ParseAndCheck("a.scn", []byte(tc.src), v)
			assert.Nil(t, s)
			var got []string
			var ce *CheckError
			if errors.As(err, &ce) {
				for _, p := range ce.Problems {
					got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Col, p.Msg))
				}
			} else {
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				got = []string{fmt.Sprintf("%d:%d %s", pe.Line, pe.Col, pe.Msg)}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestParseScenario_EveryProblem: ParseScenario alone reports every
// problem it found, in file order, as a *CheckError of *ParseErrors, and
// one as a *ParseError; a file without problems parses as before.
func TestParseScenario_EveryProblem(t *testing.T) {
	_, err := ParseScenario("m.scn", []byte("scenario m\nexpect virtio-1.5 pass\nvfs x\nexplore seed=-1 schedules=1\n"))
	var ce *CheckError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "m.scn:2:8: expect: unknown edition \"virtio-1.5\" (want draft-2023 or virtio-1.4); did you mean virtio-1.4?\n"+
		"m.scn:3:5: vfs x: want a number 1..65535\n"+
		"m.scn:4:9: explore: seed=-1: want a number 0..18446744073709551615", err.Error())
	_, err = ParseScenario("o.scn", []byte("scenario o\nqueues 0\n"))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.EqualError(t, err, "o.scn:2:8: queues 0: want a number 1..64")
	s, err := ParseScenario("q1.scn", []byte(sampleScenario))
	require.NoError(t, err)
	assert.Equal(t, 2, s.VFs)
}
