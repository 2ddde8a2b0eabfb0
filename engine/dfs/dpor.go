package dfs

import (
	"slices"

	"github.com/migsim/migsim/engine/footprint"
)

// Source-set DPOR (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic
// partial order reduction", POPL 2014, Algorithm 1 "source-DPOR"), run
// after every execution of a stateless search.
//
// Happens-before over the run's steps: steps of one actor are ordered;
// two steps of different actors are ordered when their footprints
// conflict; every step before a clock advance is ordered before every step
// after it (an advance happens only when nothing is enabled, so no step
// can move across it). It is computed with vector clocks indexed by actor.
//
// A race is a pair e < e' of steps of different actors, ordered with
// nothing ordering them in between (a direct edge of happens-before). For
// each race the reversal is the sequence v: the steps after e that do not
// happen after e, then e'. At the decision before e (E'), if no actor in
// the backtrack set of E' is an initial of v (an actor whose first step
// in v has no predecessor in v), one initial enabled at E' is added —
// preferably the previous actor (no preemption), else e''s actor.
//
// Steps that did not run are races too: a step enabled at a decision and
// gone at the next was disabled by the step between (the footprint rule
// makes them dependent), and the steps still enabled when a run ends (done
// or a finding) were cut off by its last step. Each is analysed as a
// virtual step right after the step that disabled it, dependent on it.
// When the bound prunes a run, the awake steps it cut are virtual steps at
// that point.
//
// With a preemption bound the search also adds, as Bounded Partial-Order
// Reduction does (Coons, Musuvathi, McKinley, OOPSLA 2013), a conservative
// backtrack point at the start of the block of steps containing E' (the
// last decision at or before E' where the running actor changed): the
// reversal's actor if it is enabled there, every enabled actor otherwise.
// A reversal placed inside another actor's block costs a preemption the
// bound may forbid; placed at the block's start it costs none.

type dporScratch struct {
	actors int
	vc     []int32 // event k's clock: vc[k*actors : (k+1)*actors]
	loc    []int32 // event k's position among its actor's steps, from 1
	last   []int32 // per actor, its last event so far (-1: none)
	all    []int32 // join of every event so far
	bar    []int32 // join of the events before the current epoch
	tmp    []int32 // the clock of a virtual event
	cands  []int32
	firstU []int32 // per actor, its first event in v (-1: none)
	initOf []bool
}

func (s *Search) actorOf(k int) int {
	n := &s.stack[k]
	return n.enabled[n.chosen].Actor
}

// fpOf returns the footprint event k counts with: its step's, or, when
// its actor had several steps enabled, the union of them all — picking
// one alternative is a step that touches what any of them would (the
// alternative not taken may race with later steps).
func (s *Search) fpOf(k int) footprint.Footprint {
	n := &s.stack[k]
	act := n.enabled[n.chosen].Actor
	if n.effActor != act+1 {
		n.effActor, n.eff = act+1, footprint.Footprint{}
		for i := range n.enabled {
			if n.enabled[i].Actor == act {
				n.eff = n.eff.Union(n.enabled[i].Footprint)
			}
		}
	}
	return n.eff
}

// analyse finds the races of the run that just ended and extends the
// backtrack sets of the decisions before them.
func (s *Search) analyse(choices int, pruned bool) {
	L := min(choices, len(s.stack))
	a := &s.an
	a.actors = 0
	for i := range s.stack {
		for _, st := range s.stack[i].enabled {
			a.actors = max(a.actors, st.Actor+1)
		}
	}
	A := a.actors
	a.vc = resize(a.vc, (L+1)*A)
	a.loc = resize(a.loc, L+1)
	a.last, a.all, a.bar = fill(a.last, A, -1), fill(a.all, A, 0), fill(a.bar, A, 0)
	a.tmp, a.firstU = resize(a.tmp, A), resize(a.firstU, A)
	a.initOf = slices.Grow(a.initOf[:0], A)[:A]
	epochStart, epoch := 0, 0
	newEpoch := func(adv int) {
		if adv != epoch {
			copy(a.bar, a.all)
			epoch, epochStart = adv, -1
		}
	}
	for k := 0; k < L; k++ {
		n := &s.stack[k]
		if newEpoch(n.adv); epochStart < 0 {
			epochStart = k
		}
		act := s.actorOf(k)
		vk := a.vc[k*A : (k+1)*A]
		a.loc[k] = 1
		if l := a.last[act]; l >= 0 {
			copy(vk, a.vc[int(l)*A:(int(l)+1)*A])
			a.loc[k] = a.loc[l] + 1
		} else {
			clear(vk)
		}
		join(vk, a.bar)
		// With a bound, the last step before a clock advance decides who
		// runs on after it for free: it depends on every step of its epoch.
		last := s.cfg.Bound >= 0 && k+1 < len(s.stack) && s.stack[k+1].adv != n.adv
		a.cands = s.directPreds(vk, k, epochStart, act, s.fpOf(k), -1, last, a.cands[:0])
		vk[act] = a.loc[k]
		if k >= s.first {
			for _, m := range a.cands {
				s.race(int(m), k, act, vk)
			}
		}
		a.last[act] = int32(k)
		join(a.all, vk)
		// Steps of other actors disabled by step k.
		if k >= s.first {
			switch {
			case k+1 < len(s.stack):
				next := &s.stack[k+1]
				for i := range n.enabled {
					x := &n.enabled[i]
					if x.Actor != act && (next.adv != n.adv || !hasStep(next.enabled, x)) {
						s.virtual(k+1, epochStart, x, k)
					}
				}
			case k == L-1 && !pruned:
				for i := range n.enabled {
					if x := &n.enabled[i]; x.Actor != act {
						s.virtual(k+1, epochStart, x, k)
					}
				}
			}
		}
	}
	// A decision pruned by the bound: its awake steps are cut off.
	if pruned && len(s.stack) == L+1 {
		n := &s.stack[L]
		if newEpoch(n.adv); epochStart < 0 {
			epochStart = L
		}
		for i := range n.enabled {
			if !n.asleep(i) {
				s.virtual(L, epochStart, &n.enabled[i], -1)
			}
		}
	}
}

// directPreds returns the events in [from, k) that are ordered directly
// before an event of actor act with step st whose clock so far is vk (its
// actor's previous event and the epoch barrier already joined) and
// footprint fp: dependent, of another actor, and not already ordered
// through a later one. Each is joined into vk. Event forced (≥ 0), or
// every event when all is set, is treated as dependent.
func (s *Search) directPreds(vk []int32, k, from, act int, fp footprint.Footprint, forced int, all bool, out []int32) []int32 {
	a := &s.an
	for m := k - 1; m >= from; m-- {
		am := s.actorOf(m)
		if vk[am] >= a.loc[m] || am == act {
			continue
		}
		if !all && m != forced && !fp.Conflicts(s.fpOf(m)) {
			continue
		}
		out = append(out, int32(m))
		join(vk, a.vc[m*a.actors:(m+1)*a.actors])
	}
	return out
}

// virtual analyses step x, which did not run, as if it ran at position p
// (after events 0..p-1), dependent on event forced (≥ 0) that disabled it.
func (s *Search) virtual(p, epochStart int, x *Step, forced int) {
	a := &s.an
	vx := a.tmp
	clear(vx)
	own := int32(1)
	if l := a.last[x.Actor]; l >= 0 {
		copy(vx, a.vc[int(l)*a.actors:(int(l)+1)*a.actors])
		own = a.loc[l] + 1
	}
	join(vx, a.bar)
	var buf [8]int32
	cands := s.directPreds(vx, p, epochStart, x.Actor, x.Footprint, forced, false, buf[:0])
	vx[x.Actor] = own
	for _, m := range cands {
		s.race(int(m), p, x.Actor, vx)
	}
}

// race handles the race of event m with an event of actor act at position
// k whose clock is vk (event k itself, or a virtual step).
func (s *Search) race(m, k, act int, vk []int32) {
	node := &s.stack[m]
	if node.full {
		return
	}
	a := &s.an
	A := a.actors
	am := s.actorOf(m)
	// v: the events in (m, k) that do not happen after m, then the event
	// at k. firstU: each actor's first event in v.
	for i := range a.firstU {
		a.firstU[i] = -1
	}
	for j := m + 1; j < k; j++ {
		if a.vc[j*A+am] >= a.loc[m] {
			continue // happens after m
		}
		if aj := s.actorOf(j); a.firstU[aj] < 0 {
			a.firstU[aj] = int32(j)
		}
	}
	kFirst := a.firstU[act] < 0
	if kFirst {
		a.firstU[act] = int32(k)
	}
	// An actor is an initial of v when its first event in v has no
	// predecessor in v: no other actor's first event in v is in its past.
	clockOf := func(j int) []int32 {
		if j == k {
			return vk
		}
		return a.vc[j*A : (j+1)*A]
	}
	locOf := func(j int) int32 {
		if j == k {
			return vk[act]
		}
		return a.loc[j]
	}
	hit := false
	for b := 0; b < A; b++ {
		a.initOf[b] = false
		f := int(a.firstU[b])
		if f < 0 || firstOfActor(node.enabled, b) < 0 {
			continue
		}
		cf := clockOf(f)
		init := true
		for c := 0; c < A && init; c++ {
			if g := int(a.firstU[c]); c != b && g >= 0 && cf[c] >= locOf(g) {
				init = false
			}
		}
		if init {
			a.initOf[b] = true
			hit = hit || slices.Contains(node.backtrack, b)
		}
	}
	q := -1
	if !hit {
		switch {
		case node.prevOn && node.prev >= 0 && a.initOf[node.prev]:
			q = node.prev
		case a.initOf[act]:
			q = act
		default:
			for b := 0; b < A; b++ {
				if a.initOf[b] {
					q = b
					break
				}
			}
		}
		if q < 0 {
			return // no initial is enabled before m: e enabled e', irreversible
		}
		node.backtrack = append(node.backtrack, q)
	}
	if s.cfg.Bound >= 0 {
		if a.initOf[act] {
			q = act
		} else if q < 0 {
			for _, b := range node.backtrack {
				if a.initOf[b] {
					q = b
					break
				}
			}
		}
		s.conservative(m, q)
	}
}

// conservative adds actor q at the start of the block of steps containing
// decision m, or every enabled actor there when q is not enabled.
func (s *Search) conservative(m, q int) {
	j := m
	for j > 0 && s.stack[j].prev == s.actorOf(j) {
		j--
	}
	n := &s.stack[j]
	if n.full {
		return
	}
	if firstOfActor(n.enabled, q) >= 0 {
		if !slices.Contains(n.backtrack, q) {
			n.backtrack = append(n.backtrack, q)
		}
		return
	}
	for _, st := range n.enabled {
		if !slices.Contains(n.backtrack, st.Actor) {
			n.backtrack = append(n.backtrack, st.Actor)
		}
	}
}

// firstOfActor returns the index of actor's first step in steps, or -1.
func firstOfActor(steps []Step, actor int) int {
	for i := range steps {
		if steps[i].Actor == actor {
			return i
		}
	}
	return -1
}

func hasStep(en []Step, x *Step) bool {
	for i := range en {
		if en[i].Actor == x.Actor && en[i].Label == x.Label {
			return true
		}
	}
	return false
}

func join(dst, src []int32) {
	for i, v := range src {
		dst[i] = max(dst[i], v)
	}
}

func resize(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

func fill(b []int32, n int, v int32) []int32 {
	b = resize(b, n)
	for i := range b {
		b[i] = v
	}
	return b
}
