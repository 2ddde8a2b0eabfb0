package posted

import (
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/por"
)

// Lane is one requester's path to the functions of one host, with the
// posted writes in flight on it, oldest first.
type Lane struct {
	// ID is the lane's actor id; Name its name, the prefix of its steps'
	// labels ("bus.src.00:00.0", then the vCPU under in-flight-unordered).
	ID   int
	Name string
	// Host is the index of the host the lane reaches, RID its requester.
	Host int
	RID  pcie.RID
	// Who is the issuing vCPU under in-flight-unordered (each vCPU its own
	// ordering domain); empty under in-flight.
	Who string
	// Writes are the writes in flight, oldest first.
	Writes []Write
}

// Write is one Memory Write in flight.
type Write struct {
	// Target is the function the write addresses.
	Target owner.Target
	TLP    pcie.TLP
	// Who issued it, at step Issued; Label is the label of the step that
	// delivers it.
	Who    string
	Issued int
	Label  string
}

// Pop removes and returns the lane's oldest write.
func (l *Lane) Pop() Write {
	pw := l.Writes[0]
	l.Writes = l.Writes[1:]
	return pw
}

// Bus is the lanes of the bus, in creation order.
type Bus struct {
	// Unordered is set under in-flight-unordered: each vCPU is an
	// ordering domain of its own.
	Unordered bool
	// Lanes are the lanes, each created with the first write on it.
	Lanes []*Lane
}

// Post puts a write to function target of host h (named host) on its
// lane: the lane of its requester, and of vCPU who under
// in-flight-unordered, created with actor id nextID when it is the first.
// step is the step that issued it.
func (b *Bus) Post(h int, host string, target owner.Target, t pcie.TLP, who string, step, nextID int) {
	l := b.lane(h, host, t.Requester, who, nextID)
	what := fmt.Sprintf("%s %s.vf%d +%#x=%s", t.Kind, host, int(target), t.Addr, hex.EncodeToString(t.Data))
	l.Writes = append(l.Writes, Write{Target: target, TLP: t, Who: who, Issued: step,
		Label: l.Name + ":deliver " + what})
}

// lane returns the lane of requester rid (and, in-flight-unordered, of
// vCPU who) to host h, creating it with actor id nextID.
func (b *Bus) lane(h int, host string, rid pcie.RID, who string, nextID int) *Lane {
	if !b.Unordered {
		who = ""
	}
	for _, l := range b.Lanes {
		if l.Host == h && l.RID == rid && l.Who == who {
			return l
		}
	}
	name := fmt.Sprintf("bus.%s.%s", host, rid)
	if who != "" {
		name += "." + who
	}
	l := &Lane{ID: nextID, Host: h, RID: rid, Who: who, Name: name}
	b.Lanes = append(b.Lanes, l)
	return l
}

// Pushes reports whether a request of rid to host h by who may not pass
// the writes in flight on l: they are delivered, in order, before it.
func (b *Bus) Pushes(l *Lane, h int, rid pcie.RID, who string) bool {
	return l.Host == h && l.RID == rid && (!b.Unordered || l.Who == who)
}

// Steps appends the enabled lane steps: the head of every lane with
// writes in flight to a host that has not failed. Step IDs of lanes are
// negative (-1 - index) so they never collide with actors and devices.
func (b *Bus) Steps(buf []engine.Step, failed func(h int) bool) []engine.Step {
	for i, l := range b.Lanes {
		if len(l.Writes) == 0 || failed(l.Host) {
			continue
		}
		buf = append(buf, engine.Step{Actor: l.ID, ID: -1 - i, Label: l.Writes[0].Label, Footprint: por.FPAll})
	}
	return buf
}

// Idle reports whether no write is in flight to a host that has not
// failed.
func (b *Bus) Idle(failed func(h int) bool) bool {
	for _, l := range b.Lanes {
		if len(l.Writes) > 0 && !failed(l.Host) {
			return false
		}
	}
	return true
}

// Name names the lane with actor id id; ok is false when none has it.
func (b *Bus) Name(id int) (string, bool) {
	for _, l := range b.Lanes {
		if l.ID == id {
			return l.Name, true
		}
	}
	return "", false
}

// StateHash mixes into h what each lane still has to deliver, in order.
// The writes in flight are shared state: a step that may touch everything
// may push them ahead of itself.
func (b *Bus) StateHash(h uint64) uint64 {
	for _, l := range b.Lanes {
		h = deephash.Mix(deephash.Mix(h, uint64(l.ID)), uint64(len(l.Writes)))
		for _, pw := range l.Writes {
			h = deephash.Mix(deephash.Mix(h, uint64(pw.Target)), pw.TLP.Addr)
			h = deephash.Bytes(deephash.String(h, pw.Who), pw.TLP.Data)
		}
	}
	return h
}
