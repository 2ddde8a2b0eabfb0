package scenario

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckSameRow: an expectation that states a row an earlier line
// states already (same edition, same knob values after the edition's
// defaults, same set: settings) is a problem at its line; rows that
// differ in any of them are not.
func TestCheckSameRow(t *testing.T) {
	for _, tc := range []struct {
		name, expect string
		want         []string
	}{
		{"the same line twice", "expect draft-2023 pass\nexpect draft-2023 pass\n", []string{
			"5:1 expect: the row draft-2023 is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"another verdict", "expect draft-2023 flr-vs-mode=complete-anyway pass\nexpect draft-2023 flr-vs-mode=complete-anyway n/a freeze\n", []string{
			"5:1 expect: the row draft-2023 flr-vs-mode=complete-anyway is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"knobs in another order", "expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep pass\nexpect draft-2023 mode-after-flr=keep flr-vs-mode=complete-anyway pass\n", []string{
			"5:1 expect: the row draft-2023 mode-after-flr=keep flr-vs-mode=complete-anyway is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"a knob at its default names the default row", "expect virtio-1.4 pass\nexpect virtio-1.4 pending-work=finish pass\n", []string{
			"5:1 expect: the row virtio-1.4 pending-work=finish is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"settings in another order", "expect draft-2023 set:vcpus=2 set:capacity=8 pass\nexpect draft-2023 set:capacity=8 set:vcpus=2 pass\n", []string{
			"5:1 expect: the row draft-2023 set:capacity=8 set:vcpus=2 is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"a third line names the first", "expect draft-2023 pass\nexpect virtio-1.4 pass\nexpect draft-2023 n/a freeze\n", []string{
			"6:1 expect: the row draft-2023 is expected already at line 4 (each edition, knob set and set: settings once)",
		}},
		{"other editions, knobs and settings are other rows", "expect draft-2023 pass\nexpect virtio-1.4 pass\n" +
			"expect draft-2023 flr-vs-mode=complete-anyway pass\nexpect draft-2023 set:vcpus=2 pass\nexpect draft-2023 set:vcpus=3 pass\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nguest g\n  write count=1\n"+tc.expect+"explore strategy=pct schedules=10\n"))
			require.NoError(t, err)
			if tc.want == nil {
				assert.NoError(t, Check(s, argsVocabulary()))
				return
			}
			assert.Equal(t, tc.want, problems(t, Check(s, argsVocabulary())))
		})
	}
}

// TestCheckSameRow_OwnSetting: a set: that restates the scenario's own
// `set` value changes nothing, so a line that gives it states the row of
// the line without it (as a knob at its default does), and is a problem;
// another value is another row.
func TestCheckSameRow_OwnSetting(t *testing.T) {
	for _, tc := range []struct {
		name, expect string
		want         []string
	}{
		{"the own value", "expect draft-2023 pass\nexpect draft-2023 set:capacity=8 pass\n", []string{
			"6:1 expect: the row draft-2023 set:capacity=8 is expected already at line 5 (each edition, knob set and set: settings once)",
		}},
		{"the own number written another way", "expect draft-2023 set:capacity=0x8 pass\nexpect draft-2023 pass\n", []string{
			"6:1 expect: the row draft-2023 is expected already at line 5 (each edition, knob set and set: settings once)",
		}},
		{"another value", "expect draft-2023 pass\nexpect draft-2023 set:capacity=9 pass\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nset capacity=8\nguest g\n  write count=1\n"+tc.expect+"explore strategy=pct schedules=10\n"))
			require.NoError(t, err)
			if tc.want == nil {
				assert.NoError(t, Check(s, argsVocabulary()))
				return
			}
			assert.Equal(t, tc.want, problems(t, Check(s, argsVocabulary())))
		})
	}
}

// TestCheckKnobEdition: a knob that does not apply to the line's edition
// is a problem at its column naming the knob, the edition and the knobs
// that apply; the same knob under its own edition is fine, and a line
// whose edition did not parse is not judged by it.
func TestCheckKnobEdition(t *testing.T) {
	for _, tc := range []struct {
		name, expect string
		want         []string
	}{
		{"draft-only knobs under virtio-1.4", "expect virtio-1.4 transitions=strict-chain pass\nexpect virtio-1.4 pending-work=carry freeze-notify=latch pass\n", []string{
			"4:19 expect: knob transitions does not apply to virtio-1.4",
			"5:38 expect: knob freeze-notify does not apply to virtio-1.4",
		}},
		{"a virtio-1.4 knob under draft-2023", "expect draft-2023 cap-group=sriov pass\n", []string{
			"4:19 expect: knob cap-group does not apply to draft-2023",
		}},
		{"each under its own edition", "expect draft-2023 transitions=strict-chain reexec=all read=full freeze-notify=latch pass\nexpect virtio-1.4 cap-group=sriov pass\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nguest g\n  write count=1\n"+tc.expect+"explore strategy=pct schedules=10\n"))
			require.NoError(t, err)
			err = Check(s, argsVocabulary())
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			got := problems(t, err)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				assert.True(t, strings.HasPrefix(got[i], w), "got %q, want prefix %q", got[i], w)
				assert.Contains(t, got[i], "stop-config-write, flr-vs-mode, reset-vs-mode", "names the knobs that apply")
			}
		})
	}
}

// TestCheckSameExplore: a second explore line for an edition an earlier
// line covers (the same edition=, or none on both) is a problem at its
// line, since only the first one runs; a line for one edition beside one
// for every edition is not.
func TestCheckSameExplore(t *testing.T) {
	for _, tc := range []struct {
		name, explore string
		want          []string
	}{
		{"two lines for every edition", "explore strategy=random schedules=5\nexplore strategy=pct schedules=5\n", []string{
			"6:1 explore: the line for every edition is given already at line 5, and only that one runs (one explore line per edition, and one for every edition)",
		}},
		{"two lines for one edition", "explore edition=draft-2023 strategy=random schedules=5\nexplore strategy=pct schedules=5\nexplore edition=draft-2023 strategy=dfs schedules=5 bound=1\n", []string{
			"7:1 explore: the line for draft-2023 is given already at line 5, and only that one runs (one explore line per edition, and one for every edition)",
		}},
		{"one line per edition and one for every edition", "explore strategy=pct schedules=5\nexplore edition=draft-2023 strategy=random schedules=5\nexplore edition=virtio-1.4 strategy=random schedules=5\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nguest g\n  write count=1\nexpect draft-2023 pass\n"+tc.explore))
			require.NoError(t, err)
			if tc.want == nil {
				assert.NoError(t, Check(s, argsVocabulary()))
				return
			}
			assert.Equal(t, tc.want, problems(t, Check(s, argsVocabulary())))
		})
	}
}
