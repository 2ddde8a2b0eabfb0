package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCoversFrom: an earlier visit of a state covers a later one when its
// budget pays for every path the later one may run. Only the first pick's
// cost can differ between two visits with different previous actors, by
// one preemption.
func TestCoversFrom(t *testing.T) {
	for _, c := range []struct {
		name       string
		seen       dfsStateSeen
		prev, rem  int
		wantCovers bool
	}{
		{"same prev, same budget", dfsStateSeen{remaining: 1, prev: 2}, 2, 1, true},
		{"same prev, less budget", dfsStateSeen{remaining: 0, prev: 2}, 2, 1, false},
		{"no prev before: every first pick was free", dfsStateSeen{remaining: 1, prev: -1}, 2, 1, true},
		{"other prev, same budget: a first pick of 2 was a preemption there", dfsStateSeen{remaining: 1, prev: 3}, 2, 1, false},
		{"other prev, one more", dfsStateSeen{remaining: 2, prev: 3}, 2, 1, true},
		{"no prev now, prev before: a first pick may cost one there", dfsStateSeen{remaining: 1, prev: 3}, -1, 1, false},
		{"no prev now, prev before, one more", dfsStateSeen{remaining: 2, prev: 3}, -1, 1, true},
		{"unbounded before", dfsStateSeen{remaining: -1, prev: 3}, 2, 5, true},
		{"unbounded now, bounded before", dfsStateSeen{remaining: 7, prev: 2}, 2, -1, false},
		{"unbounded now, other prev, bounded before", dfsStateSeen{remaining: 7, prev: 3}, 2, -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.wantCovers, coversFrom(c.seen, c.prev, c.rem))
		})
	}
}
