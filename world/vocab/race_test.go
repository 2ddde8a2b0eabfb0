//go:build race

package vocab

// raceEnabled: the race detector instruments allocations, so absolute
// allocation counts hold only without it.
const raceEnabled = true
