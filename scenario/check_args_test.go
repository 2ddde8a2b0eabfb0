package scenario

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// argsVocabulary is a small vocabulary for the checks of one line's
// arguments: a guest verb with a required count, a pattern byte and a
// queue; a vf= attribute; two integer settings.
func argsVocabulary() *Vocabulary {
	return &Vocabulary{
		Drivers: []DriverVocab{{Name: "blk", Verbs: VerbTable{
			{Name: "write", Args: []ArgSpec{
				{Name: "count", Kind: ArgInt, Min: 1, Max: 256, Required: true},
				{Name: "pattern", Kind: ArgInt, Min: 0, Max: 255},
				{Name: "q", Kind: ArgQueue},
			}},
			{Name: "mode", Args: []ArgSpec{
				{Name: "HOST", Positional: true, Kind: ArgWord, Values: []string{"src", "dst"}, Required: true},
				{Name: "vf", Kind: ArgVF},
			}},
		}}},
		DefaultDriver: "blk",
		GuestAttrs:    []ArgSpec{{Name: "vf", Kind: ArgVF}, {Name: "driver", Kind: ArgName}},
		Settings: []SettingSpec{
			{Key: "capacity", Arg: ArgSpec{Kind: ArgInt, Min: 1, Max: 64}},
			{Key: "vcpus", Arg: ArgSpec{Kind: ArgInt, Min: 1, Max: 8}},
		},
	}
}

// problems renders a Check error's problems as "line:col message".
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ce *CheckError
	require.ErrorAs(t, err, &ce)
	var got []string
	for _, p := range ce.Problems {
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Col, p.Msg))
	}
	return got
}

// TestCheckEveryBadArgument: every bad argument of one line is reported,
// each at its column, in file order (docs/scenarios.md, "Checked at
// load"); a required argument is missing only when no stray word or
// unknown key may be it misspelt.
func TestCheckEveryBadArgument(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"three bad values", "guest g\n  write count=999 pattern=0x1ff q=4\n", []string{
			"3:9 write: count=999: want a number 1..256",
			"3:19 write: pattern=0x1ff: want a number 0..255 (0x1ff is 511)",
			"3:33 write: q=4: want a number 0..1 (the scenario has queues 2: 0..1)",
		}},
		{"unknown key, twice, bad value", "guest g\n  write cnt=1 count=2 count=3 pattern=x\n", []string{
			"3:9 write: unknown argument cnt= (want count, pattern, q)",
			"3:23 write: count given twice",
			"3:31 write: pattern=x: want a number 0..255",
		}},
		{"a bad value and a missing argument", "guest g\n  write pattern=300 q=9\n", []string{
			"3:3 write: missing count=N (usage: write count=N [pattern=N] [q=N])",
			"3:9 write: pattern=300: want a number 0..255",
			"3:21 write: q=9: want a number 0..1 (the scenario has queues 2: 0..1)",
		}},
		{"no missing beside a misspelt key", "guest g\n  write cout=1 pattern=300\n", []string{
			"3:9 write: unknown argument cout= (want count, pattern, q); did you mean count?",
			"3:16 write: pattern=300: want a number 0..255",
		}},
		{"positional words", "guest g\n  mode sideways vf=7 extra\n", []string{
			"3:8 mode: HOST \"sideways\": want one of src, dst",
			"3:17 mode: vf=7: want a number 1..2 (the scenario has vfs 2)",
			"3:22 mode: unexpected word \"extra\" (usage: mode src|dst [vf=N])",
		}},
		{"attributes and operations", "guest g vf=9 drv=x\n  write count=0 q=2\n", []string{
			"2:9 guest: vf=9: want a number 1..2 (the scenario has vfs 2)",
			"2:14 guest: unknown argument drv= (want vf, driver)",
			"3:9 write: count=0: want a number 1..256",
			"3:17 write: q=2: want a number 0..1 (the scenario has queues 2: 0..1)",
		}},
		{"every setting of a line", "set capacity=0 vcpus=9 capacity=2\nguest g\n  write count=1\n", []string{
			"2:5 set capacity=0: want a number 1..64",
			"2:16 set vcpus=9: want a number 1..8",
			"2:24 setting capacity given twice (first at 2:5)",
		}},
		{"every set: of an expect line", "guest g\n  write count=1\nexpect draft-2023 set:vcpus=0 set:capacity=99 pass\n", []string{
			"4:23 expect: set:vcpus=0: want a number 1..8",
			"4:35 expect: set:capacity=99: want a number 1..64",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\n"+tc.src+"vfs 2\nqueues 2\n"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, problems(t, Check(s, argsVocabulary())))
		})
	}
}
