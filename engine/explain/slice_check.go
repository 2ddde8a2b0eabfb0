package explain

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
)

// SliceCheck is the outcome of CheckSlice: the two runs that ran the
// slice's steps first and held every other step back.
type SliceCheck struct {
	// Kept is set when both runs had the explained finding (the same
	// oracle, for the live oracle the same kind, and the same message but
	// for the step numbers and hex values it cites: SameReason) after the
	// recorded finding's step (the same actor's step with the same
	// ordinal and label; for a flow error, reported when the run ends,
	// the hypervisor's step that got it: engine.Finding.From).
	Kept bool `json:"kept"`
	// Lost names the run that lost the finding, "recorded" or "reversed"
	// (the order CheckSlice runs the held-back steps in), or "held" (the
	// narrowing's run that holds the steps it drops back last), "" when
	// kept.
	Lost string `json:"lost,omitempty"`
	// Oracle is the oracle of the finding of that run, else of the
	// recorded one's ("" for none).
	Oracle string `json:"oracle,omitempty"`
	// Pulled counts the steps of the explained run outside the slice
	// (before its finding's step) that the first run ran before the
	// slice's last step: a step of a slice step's actor ahead of it in
	// its program, or the only steps enabled. Each is counted once, so
	// Pulled is at most the explained run's steps up to its finding's
	// less the slice's.
	Pulled int `json:"pulled"`
	// Unrecorded counts the steps the first run ran before the slice's
	// last step that the explained run did not run before its finding
	// (another label at the actor's place, or past the actor's recorded
	// steps): the only steps enabled while a slice step waited. They are
	// no steps of the run the slice is a slice of, so they are not
	// Pulled; many of them say that the held-back order led elsewhere.
	Unrecorded int `json:"unrecorded,omitempty"`
}

// CheckSlice tests a causal slice (engine.CausalSlice, or a narrower one)
// of the failing run res of seed by running it twice: at every decision
// each run picks the slice's next step in the recorded order when it is
// enabled, else the step its actor must run before it (the actor's next
// step, which the slice left out), and only when neither is enabled
// another step: the one recorded earliest in the first run ("recorded"),
// the one recorded latest in the second ("reversed"), which so runs the
// held-back steps in another order. The steps outside the slice are
// thus held back as long as the run allows. A sound slice keeps the
// finding in both: every step that can change what the finding's step
// sees ran before it in the recorded order, and the held-back steps
// cannot change it (docs/engine.md, "Explaining"). A slice that leaves
// out such a step loses the finding when that step's place mattered.
func CheckSlice(f engine.Factory, seed uint64, res engine.Result, slice []int, maxSteps int) (SliceCheck, error) {
	return checkSlice(f, seed, res, slice, nil, maxSteps)
}

// checkSlice is CheckSlice with, when held names steps, a third run
// ("held"): the held-back steps in their recorded order, except held's,
// which run only when nothing else outside the slice can. NarrowSlice
// holds the steps it drops back this way. The first two runs may run a
// dropped step where the explained run did: the next step of an actor
// whose earlier step the slice places is picked at once, even reversed,
// when every other step held back then was recorded before it. The held
// run leaves a step out only if the finding stays with it held back
// behind the others.
func checkSlice(f engine.Factory, seed uint64, res engine.Result, slice, held []int, maxSteps int) (SliceCheck, error) {
	if res.Finding == nil {
		return SliceCheck{}, fmt.Errorf("explain: check slice: seed %d: the run has no finding", seed)
	}
	cs := res.Choices
	from := res.Finding.From() // -1: the finding came before the first step
	end := min(max(from, 0), len(cs)-1)
	if from < 0 {
		end = -1
	}
	x := &explainer{cs: cs[:end+1]}
	x.index()
	in := make([]bool, end+1)
	for _, i := range slice {
		if i < 0 || i > end {
			return SliceCheck{}, fmt.Errorf("explain: check slice: seed %d: slice step %d outside the run's %d steps", seed, i, end+1)
		}
		in[i] = true
	}
	order := slices.Clone(slice)
	slices.Sort(order)
	order = slices.Compact(order)
	var last []bool
	for _, i := range held {
		if i < 0 || i > end || in[i] {
			return SliceCheck{}, fmt.Errorf("explain: check slice: seed %d: held step %d not a step of the run's %d outside the slice", seed, i, end+1)
		}
		if last == nil {
			last = make([]bool, end+1)
		}
		last[i] = true
	}
	runs := []string{"recorded", "reversed"}
	if last != nil {
		runs = append(runs, "held")
	}
	r := engine.NewRunner(engine.RunConfig{MaxSteps: maxSteps})
	var out SliceCheck
	for _, run := range runs {
		reversed := run == "reversed"
		ch := &sliceFirst{x: x, in: in, ran: make([]bool, end+1), order: order, done: make([]int, len(x.pos)), reversed: reversed}
		if run == "held" {
			ch.last = last
		}
		got, err := r.RunSeed(f, seed, ch)
		if err != nil {
			return SliceCheck{}, fmt.Errorf("explain: check slice: seed %d: %w", seed, err)
		}
		kept, oracle := false, ""
		if got.Finding != nil {
			oracle = got.Finding.Oracle
			// A flow error is reported at the run's end: it stays when
			// the same hypervisor step got it (Finding.From).
			at := got.Finding.From()
			switch {
			case end < 0: // the finding came before any step
				kept = SameReason(got.Finding, res.Finding) && at < 0
			default:
				kept = SameReason(got.Finding, res.Finding) && at >= 0 && at < len(got.Choices) &&
					x.recorded(got.Choices, at) == end
			}
		}
		if run == "recorded" {
			out.Pulled, out.Unrecorded, out.Oracle = ch.pulled, ch.unrecorded, oracle
		}
		if !kept {
			out.Lost, out.Oracle = run, oracle
			return out, nil
		}
	}
	out.Kept = true
	return out, nil
}

// sliceFirst is CheckSlice's chooser.
type sliceFirst struct {
	x *explainer
	// in marks the slice's steps, ran those run; order lists them
	// ascending, next is the first of order not run yet.
	in, ran []bool
	order   []int
	next    int
	done    []int
	// pulled counts the recorded steps outside the slice run before the
	// slice's last step, unrecorded the other steps run then.
	pulled, unrecorded int
	// reversed picks, of the held-back steps, the one recorded latest.
	reversed bool
	// last marks recorded steps held back behind every other held-back
	// step: picked only when nothing else outside the slice can run.
	last []bool
}

// Choose implements engine.Chooser.
func (s *sliceFirst) Choose(d *engine.Decision) (int, error) {
	x := s.x
	// rec is the recorded index of enabled step i, or -1.
	rec := func(i int) int {
		st := d.Enabled[i]
		for len(s.done) <= st.Actor {
			s.done = append(s.done, 0)
		}
		n := s.done[st.Actor]
		if st.Actor >= len(x.pos) || n >= len(x.pos[st.Actor]) {
			return -1
		}
		if k := x.pos[st.Actor][n]; x.cs[k].Label == st.Label {
			return k
		}
		return -1
	}
	pick := -1
	if s.next < len(s.order) {
		want := s.order[s.next]
		for i := range d.Enabled {
			// The slice's next step, or its actor's step ahead of it.
			if k := rec(i); k >= 0 && d.Enabled[i].Actor == x.cs[want].Actor && k <= want {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		// The slice's next step waits: the step recorded earliest (latest
		// when reversed), one outside the slice before a later one of the
		// slice.
		// A key orders by class, then within it: held-back steps (0),
		// those held back last (1), slice steps ahead of their turn (2),
		// unrecorded steps (3).
		best := [2]int{-1, 0}
		for i := range d.Enabled {
			k := rec(i)
			key := [2]int{0, k}
			switch {
			case k < 0:
				key = [2]int{3, 0} // unrecorded: after every recorded step
			case s.in[k]:
				key = [2]int{2, k}
			case k < len(s.last) && s.last[k]:
				key = [2]int{1, k}
			case s.reversed:
				key[1] = len(x.cs) - k
			}
			if best[0] < 0 || key[0] < best[0] || key[0] == best[0] && key[1] < best[1] {
				pick, best = i, key
			}
		}
	}
	switch k := rec(pick); {
	case k >= 0 && s.in[k]:
		s.ran[k] = true
		for s.next < len(s.order) && s.ran[s.order[s.next]] {
			s.next++
		}
	case s.next >= len(s.order):
	case k >= 0:
		s.pulled++ // a recorded step is picked once: done moves past it
	default:
		s.unrecorded++
	}
	s.done[d.Enabled[pick].Actor]++
	return pick, nil
}
