package gcpolicy

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestApply: without GOGC the target is Percent (nothing under the race
// detector); GOGC, when set, is left as the runtime read it.
func TestApply(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	cases := []struct {
		name string
		gogc string // "" unset
		want int
	}{
		{"unset", "", Percent},
		{"set", "250", 100}, // the runtime read GOGC at start; Apply keeps what is in effect
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			if tc.gogc != "" {
				t.Setenv("GOGC", tc.gogc)
			} else {
				t.Setenv("GOGC", "") // restores GOGC after the test
				os.Unsetenv("GOGC")
			}
			want := tc.want
			if raceEnabled {
				want = 100
			}
			assert.Equal(t, want, Apply())
			assert.Equal(t, want, debug.SetGCPercent(want), "the target in effect")
		})
	}
}
