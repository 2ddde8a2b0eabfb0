package explain

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/migsim/migsim/engine"
)

// explainer runs the moves of one Explain.
type explainer struct {
	ctx  context.Context
	f    engine.Factory
	seed uint64
	// finding is the explained run's finding.
	finding *engine.Finding
	max     int
	runs    int
	// cut is set when a move needed a run the budget or the context did
	// not allow.
	cut bool
	// unpinned counts the moves that lost the finding without an order.
	unpinned int
	r        *engine.Runner
	cs       []engine.Choice
	// pos[a][n] is the index in cs of actor a's n-th step; ord[i] is
	// cs[i]'s n.
	pos [][]int
	ord []int
}

func (x *explainer) index() {
	x.ord = make([]int, len(x.cs))
	for i, c := range x.cs {
		for len(x.pos) <= c.Actor {
			x.pos = append(x.pos, nil)
		}
		x.ord[i] = len(x.pos[c.Actor])
		x.pos[c.Actor] = append(x.pos[c.Actor], i)
	}
}

func (x *explainer) more() bool { return x.runs < x.max && x.ctx.Err() == nil }

// next reports whether another run is allowed, and marks the explanation
// cut when it is not.
func (x *explainer) next() bool {
	if !x.more() {
		x.cut = true
		return false
	}
	return true
}

// move is one run of a move of step target: from decision at on when
// hastening, before decision at when delaying.
type move struct {
	target int
	hasten bool
	at     int
}

// outcome is a moved run: where the target ran (-1: not at all, or
// another step of its actor ran in its place), whether the finding
// stayed, the other oracle that fired instead (with its message when it
// is the explained finding's oracle for another reason), and the run's
// choices.
type outcome struct {
	placed   int
	kept     bool
	other    string
	otherMsg string
	cs       []engine.Choice
}

func (x *explainer) run(m move) (outcome, error) {
	x.runs++
	ch := &orderReplay{x: x, m: m, done: make([]int, len(x.pos))}
	got, err := x.r.RunSeed(x.f, x.seed, ch)
	if err != nil {
		return outcome{}, fmt.Errorf("explain: step %d moved: %w", m.target, err)
	}
	o := outcome{cs: slices.Clone(got.Choices)}
	o.placed = x.where(o.cs, m.target)
	o.kept = SameReason(got.Finding, x.finding)
	if got.Finding != nil && !o.kept {
		o.other = got.Finding.Oracle
		if got.Finding.StepBound() {
			o.other += " (step bound)"
		}
		if sameFinding(got.Finding, x.finding) {
			o.otherMsg = got.Finding.Message
		}
	}
	return o, nil
}

// recording is the explained run as the outcome of a move of step j that
// did not move it.
func (x *explainer) recording(j int) outcome {
	return outcome{placed: j, kept: true, cs: x.cs}
}

// hasten moves step j as early as it can run. When that loses the
// finding, it bisects the decision the hastening starts at, between the
// first it ran at (the finding goes) and j (the recording: it stays); the
// step that ran just before j in the run that kept it is the one j must
// follow.
func (x *explainer) hasten(j int) (Order, bool, error) {
	if !x.next() {
		return Order{}, false, nil
	}
	early, err := x.run(move{target: j, hasten: true, at: 0})
	if err != nil || early.kept {
		return Order{}, false, err
	}
	if early.placed < 0 || early.placed >= j {
		x.unpinned++ // lost without j running earlier as itself
		return Order{}, false, nil
	}
	lo, hi, ok, err := x.bisect(j, true, early.placed, j, early, x.recording(j))
	if !ok || err != nil {
		return Order{}, false, err
	}
	o, ok := x.order(j, hi, lo, true)
	return o, ok, nil
}

// delay moves step j as late as it can run. When that loses the finding,
// it bisects the decision the delay ends at, between j (the recording:
// the finding stays) and the one it ran at (it goes); the step that ran
// just before j in the run that lost it is the one j must precede.
func (x *explainer) delay(j int) (Order, bool, error) {
	if !x.next() {
		return Order{}, false, nil
	}
	late, err := x.run(move{target: j, at: math.MaxInt})
	if err != nil || late.kept {
		return Order{}, false, err
	}
	if late.placed <= j {
		x.unpinned++ // lost without j running later as itself
		return Order{}, false, nil
	}
	lo, hi, ok, err := x.bisect(j, false, j, late.placed, x.recording(j), late)
	if !ok || err != nil {
		return Order{}, false, err
	}
	o, ok := x.order(j, lo, hi, false)
	return o, ok, nil
}

// bisect narrows the decisions lo < hi a move of step j starts at
// (hastening) or ends at (delaying), whose runs are loRun and hiRun and
// differ in keeping the finding, to two adjacent ones, and returns their
// runs; ok is false when the budget or the context cut it short.
func (x *explainer) bisect(j int, hasten bool, lo, hi int, loRun, hiRun outcome) (outcome, outcome, bool, error) {
	for hi-lo > 1 {
		if !x.next() {
			return loRun, hiRun, false, nil
		}
		mid := lo + (hi-lo)/2
		o, err := x.run(move{target: j, hasten: hasten, at: mid})
		if err != nil {
			return loRun, hiRun, false, err
		}
		if o.kept == hiRun.kept {
			hi, hiRun = mid, o
		} else {
			lo, loRun = mid, o
		}
	}
	return loRun, hiRun, true, nil
}

// order makes the Order the two runs of a bisection over moves of step j
// show: in kept and gone, j ran right after another step X in the one
// run and before X in the other. hastened says j was hastened: then X ran
// just before j in kept (j must follow X); delayed, X ran just before j in
// gone (j must precede X). Without such a step the move counts as
// unpinned.
func (x *explainer) order(j int, kept, gone outcome, hastened bool) (Order, bool) {
	after := kept
	if !hastened {
		after = gone
	}
	if kept.placed < 0 || gone.placed < 0 || after.placed == 0 {
		x.unpinned++
		return Order{}, false
	}
	other := x.recorded(after.cs, after.placed-1)
	in := gone
	if !hastened {
		in = kept
	}
	if other < 0 || other == j || x.cs[other].Actor == x.cs[j].Actor || x.where(in.cs, other) <= in.placed {
		x.unpinned++
		return Order{}, false
	}
	o := Order{Before: other, After: j, Moved: j, Instead: gone.other, InsteadMessage: gone.otherMsg, kept: kept.cs, gone: gone.cs}
	if !hastened {
		o.Before, o.After = j, other
	}
	if o.Before >= o.After {
		x.unpinned++
		return Order{}, false
	}
	return o, true
}

// recorded returns the index in the explained run of the step at index i
// of run cs (the same actor's step with the same ordinal and label), or
// -1.
func (x *explainer) recorded(cs []engine.Choice, i int) int {
	c, n := cs[i], 0
	for _, d := range cs[:i] {
		if d.Actor == c.Actor {
			n++
		}
	}
	if c.Actor >= len(x.pos) || n >= len(x.pos[c.Actor]) {
		return -1
	}
	if k := x.pos[c.Actor][n]; x.cs[k].Label == c.Label {
		return k
	}
	return -1
}

// where returns the index in run cs of step i of the explained run (its
// actor's step with the same ordinal, if it has the same label), or -1.
func (x *explainer) where(cs []engine.Choice, i int) int {
	a, n := x.cs[i].Actor, x.ord[i]
	for k, c := range cs {
		if c.Actor != a {
			continue
		}
		if n == 0 {
			if c.Label == x.cs[i].Label {
				return k
			}
			return -1
		}
		n--
	}
	return -1
}

// orderReplay follows the explained run's order as far as a run allows:
// at every decision it picks the enabled step whose actor's next step
// came earliest in the recording (a step of the recorded label before
// another of the same actor), except for the move's target: hastened, it
// is picked whenever enabled from decision at on; delayed, neither it nor
// another step of its actor in its place is picked before decision at
// while anything else is enabled. Without a move it reproduces the
// recording.
type orderReplay struct {
	x    *explainer
	m    move
	done []int
}

// Choose implements engine.Chooser.
func (o *orderReplay) Choose(d *engine.Decision) (int, error) {
	x, t := o.x, o.x.cs[o.m.target]
	unrecorded := 2 * (len(x.cs) + d.Index + 1) // after every recorded step
	best, bestKey := 0, 0
	for i, s := range d.Enabled {
		for len(o.done) <= s.Actor {
			o.done = append(o.done, 0)
		}
		n := o.done[s.Actor]
		key := unrecorded
		if s.Actor < len(x.pos) && n < len(x.pos[s.Actor]) {
			k := x.pos[s.Actor][n]
			key = 2 * k
			if x.cs[k].Label != s.Label {
				key++
			}
		}
		if s.Actor == t.Actor && n == x.ord[o.m.target] {
			switch {
			case o.m.hasten && d.Index >= o.m.at && s.Label == t.Label:
				key = -1
			case !o.m.hasten && d.Index < o.m.at:
				key = 2*unrecorded + 1
			}
		}
		if i == 0 || key < bestKey {
			best, bestKey = i, key
		}
	}
	o.done[d.Enabled[best].Actor]++
	return best, nil
}
