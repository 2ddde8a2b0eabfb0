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
type Log struct {
	on      bool
	entries []Entry
}

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
		l.entries = append(l.entries, e)
	}
}

// Len is the number of entries recorded.
func (l *Log) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Prefix returns the first n entries. They are shared with the log, which
// only ever appends: neither side changes them.
func (l *Log) Prefix(n int) []Entry { return l.entries[:n:n] }

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
	entries []Entry
	pos     int
	// Names renders a Call in mismatch errors (nil: its number).
	Names func(Call) string
}

// NewReplay replays entries (Log.Prefix).
func NewReplay(entries []Entry) *Replay { return &Replay{entries: entries} }

// Done reports whether every entry was handed back: the rebuilt actor has
// reached the point where the record ends, and runs live from here.
func (r *Replay) Done() bool { return r.pos >= len(r.entries) }

// Pos is the number of entries handed back so far.
func (r *Replay) Pos() int { return r.pos }

// Len is the number of entries the replay holds.
func (r *Replay) Len() int { return len(r.entries) }

// Peek returns the next entry without handing it back; false at the end.
func (r *Replay) Peek() (Entry, bool) {
	if r.pos >= len(r.entries) {
		return Entry{}, false
	}
	return r.entries[r.pos], true
}

// Next hands back the next entry, which must be call with argument digest
// arg; otherwise it returns a *MismatchError and hands back nothing.
func (r *Replay) Next(call Call, arg uint64) (Entry, error) {
	if r.pos >= len(r.entries) {
		return Entry{}, &MismatchError{Index: r.pos, Call: call, Arg: arg, PastEnd: true, CallNames: r.Names}
	}
	e := r.entries[r.pos]
	if e.Call != call || e.Arg != arg {
		return Entry{}, &MismatchError{Index: r.pos, Want: e, Call: call, Arg: arg, CallNames: r.Names}
	}
	r.pos++
	return e, nil
}

// Share returns a log holding the first n entries of l, recording when l
// does: the record a copy of the world keeps for its copy of the actor
// (n is l.Len()), or a rebuilt actor's record up to an earlier point. The
// entries are shared, since a log only ever appends and no entry changes
// once added, and the returned log's capacity ends at its length, so that
// an append on either side never writes into what the other one holds.
func (l *Log) Share(n int) Log {
	return Log{on: l.on, entries: l.entries[:n:n]}
}

// Skip hands back the next n entries without checking them: a rebuild
// that restored what they led to (a checkpoint) replays from there.
func (r *Replay) Skip(n int) {
	r.pos = min(r.pos+n, len(r.entries))
}
