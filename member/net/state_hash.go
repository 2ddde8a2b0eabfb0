package net

import (
	"reflect"

	"github.com/migsim/migsim/internal/deephash"
)

// linkFields and portFields are Link and Port without their methods: what
// their StateHash walks (a *Link is itself a deephash.StateHasher).
type (
	linkFields Link
	portFields Port
)

// hashMemo keeps a link's or a port's StateHash until the link or port
// changes: every statement that writes one of their fields forgets it
// (forget) where it writes, which the tests check by comparing StateHash
// with FreshStateHash. A copy of a link or port (a copy of the world)
// copies the memo with the fields it describes. The hashes leave it out.
type hashMemo struct {
	sum uint64
	ok  bool
}

// forget drops the memo: its link or port is being changed.
func (m *hashMemo) forget() { *m = hashMemo{} }

// memoType is left out of the hashes (a skipped type hashes as its name).
var memoType = reflect.TypeFor[hashMemo]()

var (
	linkHashFns = deephash.NewCache(func(t reflect.Type) bool { return t == memoType })
	// portHashFns leave the port's link out: it is hashed on its own.
	portHashFns = deephash.NewCache(func(t reflect.Type) bool {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return t == reflect.TypeOf(Link{}) || t == memoType
	})
)

// StateHash hashes everything the link holds (every field, by
// internal/deephash): its addresses, its frames' numbering and what
// crossed it, kept until the link changes (hashMemo). Several ports share
// a link: whoever hashes their state hashes the link once, on its own.
func (l *Link) StateHash() uint64 {
	if !l.memo.ok {
		l.memo = hashMemo{sum: l.FreshStateHash(), ok: true}
	}
	return l.memo.sum
}

// FreshStateHash is StateHash computed from the link's fields, neither
// reading nor keeping the memo: what a check of the memo compares it with.
func (l *Link) FreshStateHash() uint64 {
	h := linkHashFns.Hasher()
	return h.Hash((*linkFields)(l))
}

// StateHash hashes everything the port holds but its link (Link.StateHash):
// its name, the frames arrived and in its FIFO, the link state and an
// announce request, kept until the port changes (hashMemo).
func (p *Port) StateHash() uint64 {
	if !p.memo.ok {
		p.memo = hashMemo{sum: p.FreshStateHash(), ok: true}
	}
	return p.memo.sum
}

// FreshStateHash is StateHash computed from the port's fields, neither
// reading nor keeping the memo: what a check of the memo compares it with.
func (p *Port) FreshStateHash() uint64 {
	h := portHashFns.Hasher()
	return h.Hash((*portFields)(p))
}

// Activity summarises what traffic changed in the link: its frames'
// numbering and how many frames it recorded transmitted, delivered and
// dropped. Every change a member or the world makes to a link moves one of
// them (records are only appended), and it walks no record: cheap to
// compare around every step.
func (l *Link) Activity() uint64 {
	h := deephash.Mix(deephash.Mix(0, l.nextRx), l.nextTx)
	return deephash.Mix(deephash.Mix(deephash.Mix(h, uint64(len(l.tx))), uint64(len(l.rx))), uint64(len(l.drops)))
}

// Activity summarises what traffic changed in the port: the frames arrived
// and held, the link state and an announce request. Every change moves one
// of them: a frame taken in leaves the arrivals, one written or dropped
// leaves the FIFO, and the link records either.
func (p *Port) Activity() uint64 {
	h := deephash.Mix(deephash.Mix(0, uint64(len(p.arrivals))), uint64(len(p.fifo)))
	var flags uint64
	if p.linkUp {
		flags |= 1
	}
	if p.announce {
		flags |= 2
	}
	return deephash.Mix(h, flags)
}

// Fresh reports whether the link is as NewLink made it: nothing crossed
// it and it made no frame. Making a link changes nothing a member could
// tell, so whoever compares the network's state around a step may leave
// fresh links out.
func (l *Link) Fresh() bool {
	return l.nextRx == 1 && l.nextTx == 1 && len(l.tx) == 0 && len(l.rx) == 0 && len(l.drops) == 0
}

// Fresh reports whether the port is as NewPort made it: nothing arrived or
// held, the link up, no announce requested.
func (p *Port) Fresh() bool {
	return len(p.arrivals) == 0 && len(p.fifo) == 0 && p.linkUp && !p.announce
}
