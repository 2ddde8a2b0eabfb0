package por

import (
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
)

// Queued is an event pending for a device (a step it scheduled, a timer
// that expired) with the label of the step that delivers it, and its hash
// for the state hash, taken the first time a state hash asks for it:
// neither the event nor the label changes while it waits, so a decision
// mixes the pending events' hashes instead of hashing each event again,
// and a run that never hashes its state (random, pct) never hashes it.
type Queued struct {
	Ev     member.Event
	Label  string
	sum    uint64
	hashed bool
}

// NewQueued returns ev pending with label.
func NewQueued(ev member.Event, label string) Queued {
	return Queued{Ev: ev, Label: label}
}

// Hash is the event's hash (EventHash with its label), as its first call
// took it, or computed again from the event and label when fresh: what a
// check of the kept hashes compares it with.
func (q *Queued) Hash(fresh bool) uint64 {
	if fresh {
		return queuedHash(q.Ev, q.Label)
	}
	if !q.hashed {
		q.sum, q.hashed = queuedHash(q.Ev, q.Label), true
	}
	return q.sum
}

func queuedHash(ev member.Event, label string) uint64 {
	return deephash.String(deephash.Mix(0x9e7e, EventHash(ev)), label)
}
