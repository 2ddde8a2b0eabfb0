package world

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/world/devhash"
	"github.com/migsim/migsim/world/por"
)

// StatePart is one component of the state or judge hash, hashed on its
// own: a test that finds two states hashed apart asks which parts differ.
type StatePart struct {
	Name string
	Hash uint64
	// Show is the part's value as text, for the small parts a reader
	// wants to see (pending interrupts, an actor's pending operation).
	Show string
}

// StateParts hashes every component the state hash (stateHash,
// statehash.Hasher.Shared) and the judge hash (JudgeHash) mix, each on its
// own, in a fixed order: the same world gives the same names. A member's
// hash is split further into its fields (MemberFieldParts does it on
// demand; here only the whole member).
func (w *World) StateParts() []StatePart {
	var out []StatePart
	add := func(name string, h uint64) { out = append(out, StatePart{Name: name, Hash: h}) }
	show := func(v string) { out[len(out)-1].Show = v }
	hs := devhash.New(worldPkg, w.net != nil, false)
	add("clock", uint64(w.now))
	var rel uint64
	for _, a := range w.actors {
		rel = deephash.Mix(rel, por.BoolBits(a.released))
	}
	add("released", rel)
	add("signals", por.SignalsHash(w.signals))
	add("blame", deephash.String(0, w.blame))
	if w.vm != nil {
		add("vm", uint64(w.vm.idx)+1)
	}
	add("disk", w.disk.StateHash())
	if w.net != nil {
		add("net", w.net.StateHash())
	}
	add("bus", w.bus.StateHash(0))
	for i, x := range w.hosts {
		p := x.name + "."
		add(p+"failed", por.BoolBits(x.failed))
		add(p+"pf", hs.PF.Hash(x.pf))
		add(p+"pf.pending", w.pendingHash(i, owner.TargetPF))
		add(p+"pf.timers", w.devTimersHash(i, owner.TargetPF))
		for vf := range x.pf.Members() {
			q := fmt.Sprintf("%svf%d", p, vf)
			if m, ok := x.pf.Member(vf); ok {
				add(q, hs.MemberHash(m, true))
			}
			add(q+".pending", w.pendingHash(i, owner.Target(vf)))
			add(q+".timers", w.devTimersHash(i, owner.Target(vf)))
		}
		add(p+"numvfs", uint64(x.pf.NumVFs()))
		add(p+"hostmem", x.hostMem.StateHash())
		if w.hv != nil {
			add(p+"published", uint64(w.hvPublished[i]))
			add(p+"seen", uint64(w.hv.Seen(i)))
			add(p+"gone", por.BoolBits(w.hvGone[i]))
		}
		add(p+"guestmem", x.guestMem.StateHash())
		add(p+"othermem", x.otherMem.StateHash())
		add(p+"record", x.truth.StateHash())
		add(p+"record.judge", x.truth.JudgeHash())
	}
	for _, g := range w.guests {
		add(g.name+".irqs", por.IRQsHash(g.irqs))
		lbl := "-"
		if g.req != nil {
			lbl = g.req.label
		}
		show(fmt.Sprint(g.irqs, " ", lbl, " done=", g.done))
		add(g.name+".halted", por.BoolBits(g.halted))
	}
	var at uint64
	for _, t := range w.timers {
		if t.actor != nil {
			at = deephash.Mix(deephash.Mix(at, uint64(t.at)), uint64(t.actor.id))
		}
	}
	add("actor-timers", at)
	for _, a := range w.actors {
		add(a.name+".chain", a.chain)
		if a.req != nil {
			show(a.req.label)
		}
		add(a.name+".done", por.BoolBits(a.done, a.halted))
		var l uint64
		if a.req != nil {
			l = deephash.String(1, a.req.label)
		}
		add(a.name+".req", l)
		if a.req != nil {
			show(a.req.label)
		}
	}
	if h, ok := w.feed.Set.StateHash(); ok {
		add("oracles", h)
	}
	return out
}

// pendingHash hashes the events pending for function t of host i.
func (w *World) pendingHash(host int, t owner.Target) uint64 {
	var v uint64
	for _, dv := range w.devs {
		if dv.key.host == host && dv.key.target == t {
			for i := range dv.pending {
				v = deephash.Mix(v, dv.pending[i].Hash(false))
			}
		}
	}
	return v
}

// devTimersHash hashes the timers of function t of host i.
func (w *World) devTimersHash(host int, t owner.Target) uint64 {
	var v uint64
	for _, tm := range w.timers {
		if tm.dev != nil && tm.dev.host == host && tm.dev.target == t {
			v = deephash.Mix(deephash.Mix(v, uint64(tm.at)), por.EventHash(tm.ev))
		}
	}
	return v
}

// MemberFieldParts hashes each field of the member vf of host i (named
// "host.vfN"), walking into the structs it embeds and holds, depth levels
// deep, so that a test can say which field of a member two states differ
// in. Nil when there is no such member.
func (w *World) MemberFieldParts(name string, depth int) []StatePart {
	for _, x := range w.hosts {
		for vf := range x.pf.Members() {
			if fmt.Sprintf("%s.vf%d", x.name, vf) != name {
				continue
			}
			m, ok := x.pf.Member(vf)
			if !ok {
				return nil
			}
			var out []StatePart
			fieldParts(&out, name, reflect.ValueOf(m), depth)
			return out
		}
	}
	return nil
}

// fieldHashes holds the compiled hashers of the fields fieldParts hashes,
// shared by every call: a fresh deephash.Hash compiles the walk of a
// field's type (its shape, its flags, the types its interfaces hold)
// again on every call, which was nine tenths of TestStateHash_Parts's
// time. The hashes are the same (a Cache keeps what a hasher would
// compute again).
var fieldHashes = deephash.NewCache(nil)

// fieldParts appends the hash of v's fields under prefix, depth levels
// into its structs (through pointers and interfaces).
func fieldParts(out *[]StatePart, prefix string, v reflect.Value, depth int) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			*out = append(*out, StatePart{Name: prefix})
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || depth == 0 || !v.CanAddr() {
		h := fieldHashes.Hasher()
		if v.CanAddr() {
			*out = append(*out, StatePart{Name: prefix, Hash: h.Hash(reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Interface())})
		} else {
			*out = append(*out, StatePart{Name: prefix, Hash: h.Hash(fmt.Sprint(v))})
		}
		return
	}
	for i := range v.NumField() {
		fieldParts(out, prefix+"."+v.Type().Field(i).Name, v.Field(i), depth-1)
	}
}
