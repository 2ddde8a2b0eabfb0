package world

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/world/guard"
)

// TestGuardState_SignalsShared: the guard's states share the world's list of
// signals instead of copying it, so a signal set after a state was taken
// must leave that state's list as it was, wherever the name sorts and
// whatever room the list has.
func TestGuardState_SignalsShared(t *testing.T) {
	cases := []struct {
		name  string
		had   []string // signalled before the first state
		room  int      // spare capacity of the world's list
		set   string
		after []string
	}{
		{"first", nil, 0, "b", []string{"b"}},
		{"sorts first, room to spare", []string{"b", "d"}, 4, "a", []string{"a", "b", "d"}},
		{"sorts between, room to spare", []string{"b", "d"}, 4, "c", []string{"b", "c", "d"}},
		{"sorts last", []string{"b", "d"}, 0, "e", []string{"b", "d", "e"}},
		{"already set", []string{"b", "d"}, 4, "d", []string{"b", "d"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &World{signals: map[string]bool{}}
			w.signalled = make([]string, 0, len(c.had)+c.room)
			for _, n := range c.had {
				w.signal(n)
			}
			w.signalled = append(make([]string, 0, len(c.had)+c.room), w.signalled...)
			var before, after guard.State
			w.guardState(&before, false)
			w.signal(c.set)
			w.guardState(&after, false)
			assert.Equal(t, c.had, nilIfEmpty(before.Signals), "the state taken before the signal")
			assert.Equal(t, c.after, after.Signals)
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
