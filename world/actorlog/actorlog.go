// Package actorlog records what an actor's code received from the world,
// so that a copy of the world can rebuild the actor by running its code
// again against the record (a fast-forward) instead of replaying the whole
// world up to that point.
//
// An actor's code is deterministic given what it receives: the results of
// its visible operations (its yields) and the values it reads of the world
// outside them (guest memory, the clock, the hypervisor's services). A Log
// holds those, in the order the code received them. A Replay hands them
// back in the same order to a new run of the same code and checks, at
// every call, that the code asks for the same thing with the same
// arguments: a difference means the actor reached the world by a path the
// log does not cover, and the rebuilt actor is refused rather than trusted
// (docs/engine.md, "Forking dfs runs").
package actorlog

import "fmt"

// Call names what the actor's code called: a seam gives each of its
// methods a distinct Call.
type Call uint16

// Entry is one thing the actor's code received: the call, a digest of its
// arguments (checked on replay), and its result as a number, bytes, or
// another value (V, for results that are neither).
type Entry struct {
	Call Call
	Arg  uint64
	N    uint64
	B    []byte
	V    any
}

// Log is one actor's record, in the order its code received it. The zero
// Log records nothing until it is enabled, so a run that never forks pays
// one branch per call.
//
// The entries are held in chunks of chunkLen: the full ones in chunks,
// never written again, and the rest in tail. A copy of the world shares
// both with the original (Share) and trims the tail's capacity to its
// length, so that its first append copies the tail alone (fewer than
// chunkLen entries), not the whole record, and every full chunk stays
// shared.
type Log struct {
	on     bool
	chunks [][]Entry
	tail   []Entry
}

// chunkLen is how many entries a full chunk of a Log holds: a copy's
// first append copies at most as many (64 bytes each). A hypervisor's
// record holds some 500 entries on the net rows, a guest's fewer.
const chunkLen = 64

// Enable starts recording.
func (l *Log) Enable() { l.on = true }

// Disable stops recording: the entries stay, for what was recorded, and
// what the code receives from now on is not added (a copy of the world
// that is never asked for a copy, World's ForkLast).
func (l *Log) Disable() { l.on = false }

// Enabled reports whether the log records.
func (l *Log) Enabled() bool { return l != nil && l.on }

// Add records e when the log is enabled. The log keeps e.B: the caller
// hands it over and does not change it afterwards.
func (l *Log) Add(e Entry) {
	if l.Enabled() {
		if len(l.tail) == cap(l.tail) {
			l.grow()
		}
		l.tail = append(l.tail, e)
	}
}

// grow makes room in the tail for one entry: the tail's full chunks
// join the chunks (a tail holds more than one only when NewReplay made
// it), and what is left of it is copied into a new tail of its own (a
// tail shared with another log has its capacity trimmed by Share).
func (l *Log) grow() {
	t := l.tail
	for len(t) >= chunkLen {
		l.chunks = append(l.chunks, t[:chunkLen:chunkLen])
		t = t[chunkLen:]
	}
	l.tail = make([]Entry, len(t), chunkLen)
	copy(l.tail, t)
}

// Len is the number of entries recorded.
func (l *Log) Len() int {
	if l == nil {
		return 0
	}
	return len(l.chunks)*chunkLen + len(l.tail)
}

// At returns entry i (0 <= i < Len()).
func (l *Log) At(i int) Entry {
	if k := i / chunkLen; k < len(l.chunks) {
		return l.chunks[k][i%chunkLen]
	}
	return l.tail[i-len(l.chunks)*chunkLen]
}

// LastCall is the index of the last entry of call c, -1 if none.
func (l *Log) LastCall(c Call) int {
	for i := len(l.tail) - 1; i >= 0; i-- {
		if l.tail[i].Call == c {
			return len(l.chunks)*chunkLen + i
		}
	}
	for k := len(l.chunks) - 1; k >= 0; k-- {
		ch := l.chunks[k]
		for i := len(ch) - 1; i >= 0; i-- {
			if ch[i].Call == c {
				return k*chunkLen + i
			}
		}
	}
	return -1
}

// Prefix returns a copy of the first n entries in one slice, for what
// reads a record whole (the tests, an error's explanation); a replay
// reads the log's own chunks (Replay).
func (l *Log) Prefix(n int) []Entry {
	out := make([]Entry, n)
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

// MismatchError says where a rebuilt actor's code left its record.
type MismatchError struct {
	// Index is the entry the code reached; Want is what the record holds
	// there (zero past its end); Call and Arg are what the code asked for.
	Index     int
	Want      Entry
	Call      Call
	Arg       uint64
	PastEnd   bool
	CallNames func(Call) string
}

func (e *MismatchError) Error() string {
	name := func(c Call) string {
		if e.CallNames != nil {
			return e.CallNames(c)
		}
		return fmt.Sprintf("call %d", c)
	}
	if e.PastEnd {
		return fmt.Sprintf("actorlog: entry %d: the rebuilt actor asked for %s (argument %#x) past the end of its record", e.Index, name(e.Call), e.Arg)
	}
	return fmt.Sprintf("actorlog: entry %d: the rebuilt actor asked for %s (argument %#x) where its record holds %s (argument %#x)",
		e.Index, name(e.Call), e.Arg, name(e.Want.Call), e.Want.Arg)
}

// Replay hands a record back to a new run of the actor's code.
type Replay struct {
	log Log
	// cur is the entries from pos on in pos's chunk (or the tail); nil
	// until read (at).
	cur []Entry
	pos int
	n   int
	// Names renders a Call in mismatch errors (nil: its number).
	Names func(Call) string
}

// NewReplay replays entries.
func NewReplay(entries []Entry) *Replay {
	return &Replay{log: Log{tail: entries[:len(entries):len(entries)]}, n: len(entries)}
}

// Replay replays the first n entries of l, sharing them (Share).
func (l *Log) Replay(n int) *Replay { return &Replay{log: l.Share(n), n: n} }

// at readies cur for the entry at pos, false past the end.
func (r *Replay) at() bool {
	if len(r.cur) > 0 {
		return true
	}
	if r.pos >= r.n {
		return false
	}
	l := &r.log
	if k := r.pos / chunkLen; k < len(l.chunks) {
		r.cur = l.chunks[k][r.pos%chunkLen:]
	} else {
		r.cur = l.tail[r.pos-len(l.chunks)*chunkLen:]
	}
	return true
}

// Done reports whether every entry was handed back: the rebuilt actor has
// reached the point where the record ends, and runs live from here.
func (r *Replay) Done() bool { return r.pos >= r.n }

// Pos is the number of entries handed back so far.
func (r *Replay) Pos() int { return r.pos }

// Len is the number of entries the replay holds.
func (r *Replay) Len() int { return r.n }

// Peek returns the next entry without handing it back; false at the end.
func (r *Replay) Peek() (Entry, bool) {
	if !r.at() {
		return Entry{}, false
	}
	return r.cur[0], true
}

// Next hands back the next entry, which must be call with argument digest
// arg; otherwise it returns a *MismatchError and hands back nothing.
func (r *Replay) Next(call Call, arg uint64) (Entry, error) {
	if len(r.cur) > 0 && r.cur[0].Call == call && r.cur[0].Arg == arg {
		// The common case, small enough to inline.
		e := r.cur[0]
		r.pos++
		r.cur = r.cur[1:]
		return e, nil
	}
	return r.next(call, arg)
}

// next is Next past the end of cur.
func (r *Replay) next(call Call, arg uint64) (Entry, error) {
	if !r.at() {
		return Entry{}, &MismatchError{Index: r.pos, Call: call, Arg: arg, PastEnd: true, CallNames: r.Names}
	}
	e := r.cur[0]
	if e.Call != call || e.Arg != arg {
		return Entry{}, &MismatchError{Index: r.pos, Want: e, Call: call, Arg: arg, CallNames: r.Names}
	}
	r.pos++
	r.cur = r.cur[1:]
	return e, nil
}

// Share returns a log holding the first n entries of l, recording when l
// does: the record a copy of the world keeps for its copy of the actor
// (n is l.Len()), or a rebuilt actor's record up to an earlier point. The
// entries are shared, since a log only ever appends and no entry changes
// once added; the returned log's lists of chunks and its tail have their
// capacities trimmed to their lengths, so that an append on either side
// never writes into what the other one holds, and the returned log's
// first append copies its tail alone.
func (l *Log) Share(n int) Log {
	k := min(n/chunkLen, len(l.chunks))
	rest := n - k*chunkLen
	src := l.tail
	if k < len(l.chunks) {
		src = l.chunks[k]
	}
	return Log{on: l.on, chunks: l.chunks[:k:k], tail: src[:rest:rest]}
}

// Skip hands back the next n entries without checking them: a rebuild
// that restored what they led to (a checkpoint) replays from there.
func (r *Replay) Skip(n int) {
	r.pos, r.cur = min(r.pos+n, r.n), nil
}
