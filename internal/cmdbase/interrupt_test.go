package cmdbase

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A signal that repeats the first within sameInterrupt (GNU timeout
// signals the command, then its process group) is not the second Ctrl-C
// that stops shrinking; one that comes later is, and so is every one after.
func TestInterruptCount(t *testing.T) {
	for _, tc := range []struct {
		name    string
		offsets []time.Duration // after the first signal
		want    []int
	}{
		{"one signal", []time.Duration{0}, []int{1}},
		{"timeout's repeat", []time.Duration{0, 50 * time.Microsecond}, []int{1, 0}},
		{"a repeat just inside the window", []time.Duration{0, sameInterrupt - time.Nanosecond}, []int{1, 0}},
		{"a second Ctrl-C", []time.Duration{0, sameInterrupt}, []int{1, 2}},
		{"a repeat, then a second Ctrl-C", []time.Duration{0, time.Millisecond, time.Second}, []int{1, 0, 2}},
		{"a third Ctrl-C soon after the second", []time.Duration{0, time.Second, time.Second + time.Millisecond}, []int{1, 2, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var c interruptCount
			var got []int
			for _, d := range tc.offsets {
				got = append(got, c.note(start.Add(d)))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// After explored, the first interrupt stops shrinking too; before it, it
// stops exploring only, unless the exploration ran to its end anyway (the
// signal came as it ended), which explored(false) makes stop shrinking.
func TestPhasedInterrupts(t *testing.T) {
	for _, tc := range []struct {
		name          string
		signalFirst   bool // the signal comes before explored is called
		interrupted   bool // what explored is told
		secondStopped bool
	}{
		{name: "signal after the exploration", secondStopped: true},
		{name: "signal as the exploration ended", signalFirst: true, secondStopped: true},
		{name: "signal that stopped the exploration", signalFirst: true, interrupted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, second, explored, stop := PhasedInterrupts()
			defer stop()
			if !tc.signalFirst {
				explored(tc.interrupted)
			}
			require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
			<-first.Done()
			if tc.signalFirst {
				explored(tc.interrupted)
			}
			if tc.secondStopped {
				select {
				case <-second.Done():
				case <-time.After(time.Minute): // a guard against hanging, not a timing
					t.Fatal("the interrupt did not stop the shrinking")
				}
			} else {
				assert.NoError(t, second.Err(), "the first interrupt stopped the exploration; the shrink goes on")
			}
		})
	}
}
