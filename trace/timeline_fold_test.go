package trace

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// manyVFEvents is the state records of a VM of n VFs stopped one VF after
// another (src.vfK at step 10+2K) and of VF n+1, which freezes instead,
// and of two destination VFs stopped in turn: too few to fold.
func manyVFEvents(n int) []record.TraceEvent {
	d := spec.Draft2023
	state := func(step int, host string, vf int, m spec.Mode) record.TraceEvent {
		return record.TraceEvent{Step: step, Kind: record.TraceState, Edition: d, Host: host, Target: fmt.Sprintf("vf%d", vf),
			State: record.TraceMemberState{Mode: m}}
	}
	var ev []record.TraceEvent
	for k := 1; k <= n; k++ {
		ev = append(ev, state(10+2*k, "src", k, spec.ModeStop))
	}
	ev = append(ev, state(20+2*n, "src", n+1, spec.ModeFreeze))
	ev = append(ev, state(30+2*n, "dst", 1, spec.ModeStop), state(31+2*n, "dst", 2, spec.ModeStop), state(40+2*n, "dst", 2, spec.ModeActive))
	return ev
}

// A VM of many VFs moved one VF after another: the timeline, the gantt
// chart, the mode graph's labels and the report's transitions fold the
// VFs that change the same way into one range, whatever their number;
// the VF that changes otherwise, and runs of fewer than three, stay
// their own. Before, each wrote one lane, bar, label or row per VF.
func TestTimeline_FoldsRangesOfVFs(t *testing.T) {
	for _, n := range []int{3, 64, 256} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ev := manyVFEvents(n)
			var text bytes.Buffer
			require.NoError(t, WriteTimelineText(&text, ev))
			lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
			require.Len(t, lines, 2+4+4, text.String())
			rng := fmt.Sprintf("src.vf1-vf%d", n)
			assert.Contains(t, lines[0], "~ where some have changed and others not yet")
			assert.Regexp(t, `^`+rng+` +A+~+S+$`, lines[2])
			assert.Regexp(t, fmt.Sprintf(`^src.vf%d +A+F+$`, n+1), lines[3])
			assert.Regexp(t, `^dst.vf1 +A+S+$`, lines[4])
			assert.Regexp(t, `^dst.vf2 +A+S+A+$`, lines[5])
			assert.Equal(t, fmt.Sprintf("%s (%d VFs): src.vf1: 0-11 Active · 12-%d Stop … src.vf%d: 0-%d Active · %d-%d Stop",
				rng, n, 40+2*n, n, 9+2*n, 10+2*n, 40+2*n), lines[6])

			var gantt bytes.Buffer
			require.NoError(t, WriteTimelineGantt(&gantt, ev, "t"))
			assert.Contains(t, gantt.String(), fmt.Sprintf("    section %s\n    Active :0, %d\n    Stop :crit, 12, %d\n", rng, 10+2*n, 41+2*n))
			assert.Equal(t, 4, strings.Count(gantt.String(), "section"), gantt.String())

			var dot bytes.Buffer
			require.NoError(t, WriteModeGraph(&dot, spec.Draft2023.TransitionTable(spec.Rules{}), ev))
			assert.Contains(t, dot.String(), fmt.Sprintf(`label="device: %s@12-%d, dst.vf1@%d, dst.vf2@%d"`, rng, 10+2*n, 30+2*n, 31+2*n))

			var b strings.Builder
			writeModeArcs(&b, ev, spec.Draft2023)
			assert.Contains(t, b.String(), fmt.Sprintf("| 12-%d | `%s` (%d VFs) | Active → Stop | no DEV_MODE_SET: device |\n", 10+2*n, rng, n))
			assert.Equal(t, 2+5+1, strings.Count(b.String(), "\n"), b.String())
		})
	}
}

// Two VFs in turn, or VFs not consecutive, are not a range.
func TestArcRuns_TooFewOrApart(t *testing.T) {
	arc := func(fn string, step int) ModeArc {
		return ModeArc{Kind: ArcTaken, Function: fn, From: spec.ModeActive, To: spec.ModeStop, Step: step}
	}
	for _, tc := range []struct {
		name string
		arcs []ModeArc
		want []string
	}{
		{"two", []ModeArc{arc("src.vf1", 1), arc("src.vf2", 2)}, []string{"src.vf1@1", "src.vf2@2"}},
		{"a gap", []ModeArc{arc("src.vf1", 1), arc("src.vf2", 2), arc("src.vf4", 3)}, []string{"src.vf1@1", "src.vf2@2", "src.vf4@3"}},
		{"two hosts", []ModeArc{arc("src.vf1", 1), arc("src.vf2", 2), arc("dst.vf3", 3)}, []string{"src.vf1@1", "src.vf2@2", "dst.vf3@3"}},
		{"steps back", []ModeArc{arc("src.vf1", 3), arc("src.vf2", 2), arc("src.vf3", 4)}, []string{"src.vf1@3", "src.vf2@2", "src.vf3@4"}},
		{"three, then one", []ModeArc{arc("src.vf1", 1), arc("src.vf2", 2), arc("src.vf3", 3), arc("src.vf9", 4)}, []string{"src.vf1-vf3@1-3", "src.vf9@4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range arcRuns(tc.arcs) {
				got = append(got, r.Functions()+"@"+r.Steps())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
