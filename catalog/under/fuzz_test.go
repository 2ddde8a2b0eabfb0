package under

import (
	"strings"
	"testing"
)

// FuzzTarget: whatever the command line gives as edition, knob and
// setting, Target returns a target or an error, never panics, and a
// target it returns carries the knob given.
func FuzzTarget(f *testing.F) {
	for _, s := range [][3]string{
		{"", "reset-vs-mode=reply-on-start", ""},
		{"virtio-1.4", "read=full", "hv-await=x"},
		{"garbage", "=", "="},
		{"draft-2023", "reset-vs-mode", "vm-vfs=1-3"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	sc := readRegress(f, resetRacing)
	f.Fuzz(func(t *testing.T, edition, knob, setting string) {
		o := Override{Edition: edition}
		if knob != "" {
			o.Knobs = []string{knob}
		}
		if setting != "" {
			o.Settings = []string{setting}
		}
		tg, _, err := Target(sc, o)
		if err != nil {
			return
		}
		name, _, _ := strings.Cut(knob, "=")
		for _, k := range tg.Knobs() {
			if n, _, _ := strings.Cut(k, "="); n == strings.TrimSpace(name) && k != knob && knob != "" {
				t.Fatalf("knob %q given, target has %q", knob, k)
			}
		}
	})
}
