package scenario

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resumeVocabulary has a guest verb that runs in parts (probe from=
// until=, points a, b, c in order) and refuses point c with fewer than 3
// queues (VerbSpec.Check).
func resumeVocabulary() *Vocabulary {
	points := []string{"start", "a", "b", "c", "end"}
	return &Vocabulary{
		Drivers: []DriverVocab{{Name: "blk", Verbs: VerbTable{
			{Name: "probe", Args: []ArgSpec{
				{Name: "from", Kind: ArgWord, Values: points[:4], Default: "start"},
				{Name: "until", Kind: ArgWord, Values: points[1:], Default: "end"},
			}, Resume: &Resume{From: "from", Until: "until", Points: points},
				Check: func(v Values, ctx Context) string {
					if ctx.Queues < 3 && (v.Str("from") == "c" || v.Str("until") == "c") {
						return fmt.Sprintf("point c needs queues 3 (the scenario has %d)", ctx.Queues)
					}
					return ""
				}},
			{Name: "write"},
		}}},
		DefaultDriver: "blk",
		GuestAttrs:    []ArgSpec{{Name: "driver", Kind: ArgName}},
	}
}

// TestCheckResume: a part that goes on from a point must follow, in the
// same block, a part of the verb that stopped at that point (refused at
// the column of its from=, the token the error is about); until= must
// come after from= (refused at the until=); the verb's own check sees the
// scenario's queues.
func TestCheckResume(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		queues    int
		want      []string
	}{
		{"a chain of parts", "guest g\n  probe until=a\n  write\n  probe from=a until=b\n  probe from=b\n", 2, nil},
		{"a fresh probe after a cut one", "guest g\n  probe until=a\n  probe\n  probe from=start until=b\n  probe from=b\n", 2, nil},
		{"from without until", "guest g\n  write\n  probe from=a\n", 2, []string{
			"4:9 probe: from=a without an earlier probe until=a in this block: there is no part to go on from",
		}},
		{"from after a whole probe", "guest g\n  probe\n  probe from=b\n", 2, []string{
			"4:9 probe: from=b, but the probe at line 3 ran to the end: there is no part to go on from (want probe until=b there)",
		}},
		{"from another point", "guest g\n  probe until=a\n  probe from=b\n", 2, []string{
			"4:9 probe: from=b, but the probe at line 3 stopped at a (want from=a)",
		}},
		{"each block its own chain", "guest g\n  probe until=a\nguest h\n  probe from=a\n", 2, []string{
			"5:9 probe: from=a without an earlier probe until=a in this block: there is no part to go on from",
		}},
		{"until not after from", "guest g\n  probe until=b\n  probe from=b until=a\n", 2, []string{
			"4:16 probe: until=a is not after from=b (the points in order: start, a, b, c, end)",
		}},
		{"a part that does not bind hides no later problem and causes none", "guest g\n  probe until=x\n  probe from=a\n  probe from=b\n", 2, []string{
			"3:9 probe: until=x: want one of a, b, c, end; did you mean a?",
			"5:9 probe: from=b, but the probe at line 4 ran to the end: there is no part to go on from (want probe until=b there)",
		}},
		{"the verb's check sees the queues", "guest g\n  probe until=c\n", 2, []string{
			"3:3 probe: point c needs queues 3 (the scenario has 2)",
		}},
		{"the verb's check passes with the queues", "guest g\n  probe until=c\n  probe from=c\n", 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte(fmt.Sprintf("scenario a\n%svfs 1\nqueues %d\n", tc.src, tc.queues)))
			require.NoError(t, err)
			err = Check(s, resumeVocabulary())
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, problems(t, err))
		})
	}
}
