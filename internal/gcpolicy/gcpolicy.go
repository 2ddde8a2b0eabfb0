// Package gcpolicy sets the garbage collector's pace for migsim's
// explorations.
//
// A run of the world allocates about 150 KB and keeps almost nothing, and
// most explorations' live heap is a few megabytes, so at the default
// GOGC=100 the collector starts a cycle every few dozen runs, each with
// two stop-the-world pauses every job must reach. At 400 it runs a
// quarter as often for about 15% less CPU (docs/engine.md, "Throughput and
// jobs"). A dfs search with state pruning keeps what it explored, though,
// up to hundreds of megabytes, and five times that would be gigabytes: so
// the target follows the live heap and keeps the heap within SoftHeap
// while it can (tune.go). The commands that explore
// apply it, and so do the test binaries of the packages whose tests
// explore, so that their benchmarks measure what the command runs (CI's
// go test step sets GOGC=400 itself).
//
// The GOGC environment variable, when set, wins. Under the race detector
// nothing changes: its shadow memory grows with the heap, and CI runs two
// race processes at a time.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

// Percent is the collector's target (debug.SetGCPercent) when GOGC is not
// set: a cycle starts when the heap has grown by Percent% since the last.
const Percent = 400

// TestMain is the TestMain of a package whose tests explore: it applies
// the policy, runs the tests (m is the *testing.M) and exits with their
// code.
func TestMain(m interface{ Run() int }) {
	Apply()
	os.Exit(m.Run())
}

// Apply sets the collector's target to Percent unless GOGC is set or the
// race detector is on, and returns the target in effect. The target then
// follows the live heap after every collection, down to Floor as the live
// heap grows past a fifth of SoftHeap.
func Apply() int {
	if _, set := os.LookupEnv("GOGC"); set || raceEnabled {
		tuning.Store(false)
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	debug.SetGCPercent(Percent)
	tuneAfterGC()
	return Percent
}
