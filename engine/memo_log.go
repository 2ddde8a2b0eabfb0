package engine

import "math/rand/v2"

// eventKind is what happened at one point of a run, as the memo sees it.
type eventKind uint8

const (
	// evDecision is a decision: the enabled steps and the pick.
	evDecision eventKind = iota + 1
	// evDraw is one raw 64-bit draw from a stream of the run's seed.
	evDraw
	// evLeaf ends a path: the run is over.
	evLeaf
)

// memoEvent is one recorded event of a run.
type memoEvent struct {
	kind   eventKind
	stream StreamID
	// value is the pick of a decision or the drawn word of a draw.
	value uint64
	// A decision's Prev, Advances and Now, and its enabled steps as
	// eventLog.steps[en : en+n].
	prev, adv int32
	now       VTime
	en, n     int32
}

// eventLog records the decisions of one run and every raw draw the system
// makes from the streams of its seed, in the order they happen. Two runs
// of a deterministic system whose logs agree up to some event behave the
// same up to there, whatever their seeds: the log is the memo's key.
//
// A log is reused run after run (reset); the memo copies what it keeps.
type eventLog struct {
	events []memoEvent
	steps  []Step
	closed bool
	// Once the run is over, for memo.insert: from is the event where the
	// run's walk left the tree (the events before it are in the tree),
	// leaf the run's result.
	from int
	leaf *memoLeaf
	// The streams handed to the factory draw from these sources, which
	// record every word they produce.
	src          [2]recSource
	workload, ft *rand.Rand
}

// recSource is a PCG source that records every word it produces.
type recSource struct {
	pcg rand.PCG
	id  StreamID
	log *eventLog
}

// Uint64 draws the next word and records it.
func (s *recSource) Uint64() uint64 {
	v := s.pcg.Uint64()
	if l := s.log; !l.closed {
		l.events = append(l.events, memoEvent{kind: evDraw, stream: s.id, value: v})
	}
	return v
}

// streamSeed returns the PCG seed words of stream id of seed (NewStream).
func streamSeed(seed uint64, id StreamID) (uint64, uint64) {
	a := SplitMix64(seed ^ SplitMix64(uint64(id)))
	return a, SplitMix64(a ^ uint64(id))
}

func (l *eventLog) reset() {
	l.events, l.steps, l.closed = l.events[:0], l.steps[:0], false
	l.from, l.leaf = 0, nil
}

// streams returns recording streams of seed, equal draw for draw to
// NewStreams(seed).
func (l *eventLog) streams(seed uint64) Streams {
	if l.workload == nil {
		l.src[0] = recSource{id: StreamWorkload, log: l}
		l.src[1] = recSource{id: StreamFault, log: l}
		l.workload, l.ft = rand.New(&l.src[0]), rand.New(&l.src[1])
	}
	for i := range l.src {
		l.src[i].pcg.Seed(streamSeed(seed, l.src[i].id))
	}
	return Streams{Seed: seed, Workload: l.workload, Fault: l.ft}
}

// close stops recording: the run is over.
func (l *eventLog) close() { l.closed = true }

// decision records a decision and its pick.
func (l *eventLog) decision(d *Decision, pick int) {
	if l.closed {
		return
	}
	en := len(l.steps)
	l.steps = append(l.steps, d.Enabled...)
	l.events = append(l.events, memoEvent{kind: evDecision, value: uint64(pick), prev: int32(d.Prev),
		adv: int32(d.Advances), now: d.Now, en: int32(en), n: int32(len(d.Enabled))})
}

// enabled returns the enabled steps of decision event e.
func (l *eventLog) enabled(e *memoEvent) []Step { return l.steps[e.en : e.en+e.n] }

// copyPath makes l a copy of the events of src the memo does not hold
// yet (from src.from on) and of its leaf, reusing l's buffers, so that
// src's Runner can run again before the memo takes l.
func (l *eventLog) copyPath(src *eventLog) {
	evs := src.events[src.from:]
	s0 := int32(len(src.steps)) // the first step of evs
	for i := range evs {
		if evs[i].kind == evDecision {
			s0 = evs[i].en
			break
		}
	}
	l.events = append(l.events[:0], evs...)
	l.steps = append(l.steps[:0], src.steps[s0:]...)
	for i := range l.events {
		if l.events[i].kind == evDecision {
			l.events[i].en -= s0
		}
	}
	l.closed, l.from, l.leaf = true, 0, src.leaf
}

// walkStreams reproduces, draw for draw, the raw words the system would
// draw from its seed's streams, without running it.
type walkStreams struct {
	seed uint64
	init [2]bool
	pcg  [2]rand.PCG
}

func (w *walkStreams) reset(seed uint64) { w.seed, w.init = seed, [2]bool{} }

func (w *walkStreams) next(id StreamID) (uint64, bool) {
	i := int(id - StreamWorkload)
	if i < 0 || i >= len(w.pcg) {
		return 0, false
	}
	if !w.init[i] {
		w.pcg[i].Seed(streamSeed(w.seed, id))
		w.init[i] = true
	}
	return w.pcg[i].Uint64(), true
}
