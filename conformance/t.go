package conformance

import (
	"github.com/migsim/migsim/conformance/recorder"
)

// T is what the kit needs of a test: *testing.T satisfies T[*testing.T],
// *Recorder satisfies T[*Recorder]. Run(t, f) works with either, so the kit
// can run inside go test or under a Recorder (its own tests, the command
// line).
type T[X any] interface {
	Helper()
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	// Skip ends the (sub)test as skipped; like testing.T's it does not
	// return.
	Skip(args ...any)
	Run(name string, f func(X)) bool
}

var _ T[*Recorder] = (*Recorder)(nil)

// Recorder is a T that records outcomes instead of reporting them
// (package recorder): every subtest with its full name, whether it failed
// or was skipped, and its messages.
type Recorder = recorder.Recorder

// Outcome is one recorded (sub)test.
type Outcome = recorder.Outcome

// NewRecorder returns a top-level recorder named name.
func NewRecorder(name string) *Recorder { return recorder.New(name) }
