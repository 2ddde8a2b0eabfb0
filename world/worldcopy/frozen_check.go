package worldcopy

import (
	"fmt"
	"reflect"
	"sync/atomic"
	"unsafe"
)

// A Frozen's later copies fill the first copy's plan: they are Copy's
// only while its graph keeps the shape the plan recorded. Nothing enforces
// that (a kept copy of the world and a checkpoint are simply never
// written); CheckFrozen lets a test ask every later copy to walk its graph
// again first and compare.

// checkFrozen is CheckFrozen's report (nil: no check).
var checkFrozen atomic.Pointer[func(reflect.Type, error)]

// CheckFrozen makes every later copy of every Frozen (one that fills a
// plan) walk its graph again first and call report with the graph's root
// type and what differs from the plan (a copy that differs refuses with
// it): nil when the graph reaches the same objects (address, type,
// length and capacity), in the same groups, as at its first copy. A check
// for tests (each check costs a walk, more than the copy saves);
// CheckFrozen(nil) stops it.
func CheckFrozen(report func(root reflect.Type, err error)) {
	if report == nil {
		checkFrozen.Store(nil)
		return
	}
	checkFrozen.Store(&report)
}

// recKey names a record by what the walk keys it by: its address and type.
type recKey struct {
	addr uintptr
	ti   *tinfo
}

// unchanged walks the graph at root (ti its pointer type's) again and
// reports the first difference from p: an object reached or no more, one
// of another length or capacity, or another grouping.
func (p *plan) unchanged(c *Copier, root unsafe.Pointer, ti *tinfo) error {
	r := newRun(c)
	r.note(root, ti.elem, 1, ti.elem.size, false)
	if err := r.walkOne(root, ti.elem); err != nil {
		return fmt.Errorf("worldcopy: the frozen graph: %w", err)
	}
	if err := r.group(); err != nil {
		return fmt.Errorf("worldcopy: the frozen graph: %w", err)
	}
	was := make(map[recKey]*record, len(p.recs))
	for i := range p.recs {
		was[recKey{p.recs[i].addr(), p.recs[i].ti}] = &p.recs[i]
	}
	for i := range r.recs {
		now := &r.recs[i]
		k := recKey{now.addr(), now.ti}
		old, ok := was[k]
		switch {
		case !ok:
			return fmt.Errorf("worldcopy: the frozen graph changed: it reaches a %s at %#x, which its first copy did not", now.ti.t, now.addr())
		case old.n != now.n || old.extent != now.extent:
			return fmt.Errorf("worldcopy: the frozen graph changed: the %s at %#x is %d long in %d bytes, %d in %d at its first copy", now.ti.t, now.addr(), now.n, now.extent, old.n, old.extent)
		case old.own != now.own:
			return fmt.Errorf("worldcopy: the frozen graph changed: the %s at %#x is copied by another copier", now.ti.t, now.addr())
		}
		delete(was, k)
	}
	if len(was) > 0 {
		// The first one in the plan's order: the message does not
		// depend on the map's.
		for i := range p.recs {
			if k := (recKey{p.recs[i].addr(), p.recs[i].ti}); was[k] != nil {
				return fmt.Errorf("worldcopy: the frozen graph changed: it no longer reaches the %s at %#x", k.ti.t, k.addr)
			}
		}
	}
	if len(r.groups) != len(p.groups) {
		return fmt.Errorf("worldcopy: the frozen graph changed: %d groups, %d at its first copy", len(r.groups), len(p.groups))
	}
	for i := range r.groups {
		if g, old := &r.groups[i], &p.groups[i]; g.lo != old.lo || g.hi != old.hi {
			return fmt.Errorf("worldcopy: the frozen graph changed: group %d spans %#x to %#x, %#x to %#x at its first copy", i, g.lo, g.hi, old.lo, old.hi)
		}
	}
	return nil
}
