package main

import (
	"os"
	"runtime/debug"
)

// exploreGCPercent is the collector target of the commands that explore.
// A run of the world allocates about 300 KB and keeps almost nothing, so
// at the default GOGC=100 the collector runs every few runs (about 380
// cycles per 3,000 runs of flr-during-freeze), each with two
// stop-the-world pauses that every job must reach; at 400 it runs a
// quarter as often for about 15% less CPU, and the heap stays well under
// 100 MB.
const exploreGCPercent = 400

// tuneGC sets the collector target for exploring, unless GOGC is set in
// the environment.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(exploreGCPercent)
	}
}
