package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// TestAfterExplorationNote: a Ctrl-C after the exploration says the
// shrink was cut only when it was, and names what else the interrupt cut
// (the race check, the explanation, the slice's narrowing), so that a
// reader does not take a fully shrunk schedule for a partial one, nor
// look for a slice that was not narrowed.
func TestAfterExplorationNote(t *testing.T) {
	const base = "interrupted after the exploration ended"
	done := &engine.ShrinkResult{}
	cases := []struct {
		name          string
		shrunk        *engine.ShrinkResult
		raceCut       bool
		ex            *explain.Explanation
		explainWanted bool
		nar           *explain.Narrowed
		sliceWanted   bool
		want          string
	}{
		{name: "no finding", want: base},
		{name: "shrink cut", shrunk: &engine.ShrinkResult{Interrupted: true}, explainWanted: true, sliceWanted: true,
			ex: &explain.Explanation{Interrupted: true}, nar: &explain.Narrowed{Interrupted: true},
			want: base + ": the finding's schedule is written as far as shrinking got; the interrupt cut the explanation and the slice's narrowing"},
		{name: "shrink cut, neither asked for", shrunk: &engine.ShrinkResult{Interrupted: true},
			want: base + ": the finding's schedule is written as far as shrinking got"},
		{name: "explanation cut, slice not made", shrunk: done, ex: &explain.Explanation{Interrupted: true}, explainWanted: true, sliceWanted: true,
			want: base + ": the finding's schedule is written, shrunk to the end; the interrupt cut the explanation and the slice's narrowing"},
		{name: "slice cut", shrunk: done, ex: &explain.Explanation{}, explainWanted: true, nar: &explain.Narrowed{Interrupted: true}, sliceWanted: true,
			want: base + ": the finding's schedule is written, shrunk to the end; the interrupt cut the slice's narrowing"},
		{name: "race check cut, nothing after it made", shrunk: done, raceCut: true, explainWanted: true, sliceWanted: true,
			want: base + ": the finding's schedule is written, shrunk to the end; the interrupt cut the check whether the guest's program races with itself, the explanation and the slice's narrowing"},
		{name: "neither asked for", shrunk: done,
			want: base + ": the finding's schedule is written, shrunk to the end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, afterExplorationNote(c.shrunk, c.raceCut, c.ex, c.explainWanted, c.nar, c.sliceWanted))
		})
	}
}
