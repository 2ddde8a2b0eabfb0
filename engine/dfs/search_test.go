package dfs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runTwo runs, under s, a system of two actors with one step each that
// touch nothing: every decision offers the steps of the actors not done.
func runTwo(t *testing.T, s *Search) (choices int, err error) {
	t.Helper()
	var done [2]bool
	prev := -1
	for i := 0; ; i++ {
		var en []Step
		for a := range done {
			if !done[a] {
				en = append(en, Step{Actor: a, Label: []string{"a0", "a1"}[a]})
			}
		}
		if len(en) == 0 {
			return i, nil
		}
		pick := 0
		if _, chosen, ok := s.Replayed(i); ok {
			pick = chosen
		} else {
			pick, err = s.Choose(&Decision{Index: i, Enabled: en, Prev: prev, PrevOn: prev >= 0 && !done[prev]})
			if err != nil {
				return i, err
			}
		}
		done[en[pick].Actor] = true
		prev = en[pick].Actor
	}
}

// Without reduction both orders of two steps run; with sleep sets the
// second order of two independent steps is pruned.
func TestSearch_TwoIndependentSteps(t *testing.T) {
	for _, c := range []struct {
		r            Reduction
		runs, pruned int
	}{{ReductionNone, 2, 0}, {ReductionSleep, 1, 1}} {
		s := New(Config{Bound: -1, Reduction: c.r})
		for {
			n, err := runTwo(t, s)
			if err != nil {
				require.ErrorIs(t, err, ErrPruned)
			}
			if !s.Next(n, err) {
				break
			}
		}
		assert.True(t, s.Done(), "%s", c.r)
		assert.Equal(t, c.runs, s.Runs(), "%s", c.r)
		assert.Equal(t, c.pruned, s.Pruned(), "%s", c.r)
	}
}
