package scenario

import (
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
		{"a knob at its default names the default row", "expect virtio-1.4 pass\nexpect virtio-1.4 reexec=skip-executed pass\n", []string{
			"5:1 expect: the row virtio-1.4 reexec=skip-executed is expected already at line 4 (each edition, knob set and set: settings once)",
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
