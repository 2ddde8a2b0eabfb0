package engine

import "github.com/migsim/migsim/engine/stream"

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
	// rec hands the factory streams that record every word they draw in
	// the log (Drew).
	rec stream.Recording
}

// Drew records a raw draw from a stream of the run's seed.
func (l *eventLog) Drew(id StreamID, v uint64) {
	if !l.closed {
		l.events = append(l.events, memoEvent{kind: evDraw, stream: id, value: v})
	}
}

func (l *eventLog) reset() {
	l.events, l.steps, l.closed = l.events[:0], l.steps[:0], false
	l.from, l.leaf = 0, nil
}

// streams returns recording streams of seed, equal draw for draw to
// NewStreams(seed).
func (l *eventLog) streams(seed uint64) Streams { return l.rec.Set(seed, l) }

// drew reports whether the run drew from its streams so far.
func (l *eventLog) drew() bool {
	for i := range l.events {
		if l.events[i].kind == evDraw {
			return true
		}
	}
	return false
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
