package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// FuzzNewTarget: whatever --knob and --set give (the command line of
// explore, replay, trace and report), NewTarget returns a target or an
// error naming the target and the flag; a target it returns keeps the
// settings as given, and its world is built and runs without migration
// to its end or its step bound: every value a setting accepts is one the
// world can hold.
func FuzzNewTarget(f *testing.F) {
	names := []string{"smoke-migrate", "net-announce-after-resume", "compat-older-feature-on"}
	for i := range names {
		for _, s := range [][3]string{
			{"", "", ""},
			{"reset-vs-mode=reply-on-start", "capacity=4294967296", "obj-limit=255"},
			{"read=full", "vm-vfs=1-8", "src-param-num-queues=99999999999"},
			{"flr-vs-mode=complete-anyway", "dst-caps=net-4pairs", "vf-device=net"},
			{"x=1", "hv-await=ready", "posted-writes=in-flight-unordered"},
			{"", "src-impl=current", "src-param-secure-erase=on"},
			{"", "=", "capacity=0x1"},
		} {
			f.Add(uint8(i), false, s[0], s[1], s[2])
			f.Add(uint8(i), true, s[0], s[1], s[2])
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, v14 bool, knob, set1, set2 string) {
		s, err := FindScenario(names[int(which)%len(names)])
		require.NoError(t, err)
		ed := spec.Draft2023
		if v14 {
			ed = spec.Virtio14
		}
		var knobs, settings []string
		if knob != "" {
			knobs = []string{knob}
		}
		for _, kv := range []string{set1, set2} {
			if kv != "" {
				settings = append(settings, kv)
			}
		}
		tg, err := NewTarget(s, ed, knobs, settings)
		if err != nil {
			msg := err.Error()
			require.True(t, strings.HasPrefix(msg, "catalog: target "+s.Name+" "+ed.String()+": "), msg)
			rest := strings.TrimPrefix(msg, "catalog: target "+s.Name+" "+ed.String()+": ")
			assert.True(t, strings.HasPrefix(rest, "--knob ") || strings.HasPrefix(rest, "--set") ||
				strings.HasPrefix(rest, "setting "), "%q names the flag it refuses", msg)
			return
		}
		assert.Equal(t, len(settings), len(tg.Settings))
		if len(settings) > 0 {
			assert.Equal(t, settings, SettingStrings(tg.Settings))
		}
		tg.MaxSteps = 20_000
		res, _, err := tg.ReferenceRun(1, engine.RunConfig{}, false)
		if err != nil {
			assert.NotEmpty(t, err.Error())
			return
		}
		assert.Positive(t, res.Steps())
	})
}
