package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
