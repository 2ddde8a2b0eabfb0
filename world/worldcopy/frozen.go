package worldcopy

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unsafe"
)

// Frozen copies one graph that nothing writes any more, again and again: a
// dfs search's kept copy of a world, forked for each run that starts from
// it, or a hypervisor's checkpoint in a record, restored by every rebuild
// after it. Its first copy walks the graph and groups what it reached as
// Copy does, and keeps the records and their groups (a plan); every later
// copy only places the groups anew (a new block, the custom copiers called
// again) and fills them: no walk, no sort, no grouping. A later copy is the
// copy Copy would make of the graph as it was at the first, so the graph's
// shape must not change after it: no pointer, slice, map or interface the
// walk reached may be written, nor a slice's length (the caller's promise:
// a kept copy is never run, a checkpoint never restored in place; the
// tests of both compare the copies with Copy's).
type Frozen[T any] struct {
	c    *Copier
	root *T
	// ti is the root's pointer type's; whole: the root is nil, shared
	// or has its own copier (Copy's copyWhole): each copy is Copy's.
	ti    *tinfo
	whole bool
	mu    sync.Mutex
	// plan is the first copy's (nil: none made yet).
	plan *plan
}

// plan is what a copy's walk and grouping found, for the next copies of
// the same graph: the records, indexed by address, their groups, and how
// many elements of each type the groups hold (by type id, ascending).
type plan struct {
	recs   []record
	groups []group
	byAddr addrIndex
	types  []int
	counts []int
	tis    []*tinfo
}

// Freeze returns a Frozen of the graph at root (a pointer Copy takes).
func Freeze[T any](c *Copier, root *T) *Frozen[T] {
	ti := c.info(reflect.TypeOf(root))
	return &Frozen[T]{c: c, root: root, ti: ti, whole: root == nil || ti.custom != nil || ti.shareElem}
}

// Copy returns a deep copy of the graph, as Copy does. It is safe for
// concurrent use (the copies take turns).
func (f *Frozen[T]) Copy() (out *T, err error) {
	if f.whole {
		return Copy(f.c, f.root)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r, _ := f.c.runs.Get().(*run)
	if r == nil {
		r = newRun(f.c)
	}
	defer func() {
		r.reset()
		f.c.runs.Put(r)
	}()
	if f.plan == nil {
		out, err := walkAndFill(r, f.root, f.ti)
		if err == nil {
			f.plan = r.plan()
		}
		return out, err
	}
	if report := checkFrozen.Load(); report != nil {
		err := f.plan.unchanged(f.c, unsafe.Pointer(f.root), f.ti)
		(*report)(f.ti.t.Elem(), err)
		if err != nil {
			return nil, err
		}
	}
	own := *r
	defer func() {
		// The run's own storage back, the plan's let go, and the new
		// places forgotten: the plan keeps no copy alive.
		f.plan.forget()
		r.recs, r.groups, r.byAddr = own.recs, own.groups, own.byAddr
	}()
	defer func() {
		// A pointer to an object the plan does not hold: the graph
		// was written after its first copy.
		if p := recover(); p != nil {
			u, ok := p.(unrecorded)
			if !ok {
				panic(p)
			}
			out, err = nil, fmt.Errorf("worldcopy: the frozen graph changed: it points at %#x, which its first copy did not reach", uintptr(u))
		}
	}()
	r.load(f.plan)
	r.place()
	if err := r.fillRecords(); err != nil {
		return nil, err
	}
	return (*T)(r.translate(unsafe.Pointer(f.root))), nil
}

// plan returns a copy of what r's walk and grouping found.
func (r *run) plan() *plan {
	p := &plan{
		recs:   slices.Clone(r.recs),
		groups: slices.Clone(r.groups),
		byAddr: addrIndex{keys: slices.Clone(r.byAddr.keys), vals: slices.Clone(r.byAddr.vals), n: r.byAddr.n, shift: r.byAddr.shift},
		types:  slices.Clone(r.types),
	}
	p.forget()
	slices.Sort(p.types)
	p.counts, p.tis = make([]int, len(p.types)), make([]*tinfo, len(p.types))
	for i, id := range p.types {
		p.counts[i], p.tis[i] = r.arenas[id].n, r.arenas[id].ti
	}
	return p
}

// forget drops the places of the last copy's groups: a group's dst
// points into that copy (its block, or what a pointer type's own copier
// made), which a plan kept with a kept copy or a checkpoint would keep in
// memory for as long as it.
func (p *plan) forget() {
	for i := range p.groups {
		p.groups[i].dst = nil
	}
}

// load readies the empty run r to copy the records of p again: r reads
// p's records, index and groups (and writes the groups' new places) and
// counts p's elements per type.
func (r *run) load(p *plan) {
	r.recs, r.groups, r.byAddr = p.recs, p.groups, p.byAddr
	r.types = append(r.types[:0], p.types...)
	if len(p.types) == 0 {
		return
	}
	if n := p.types[len(p.types)-1] + 1; n > len(r.arenas) {
		r.arenas = append(r.arenas, make([]arena, n-len(r.arenas))...)
	}
	for i, id := range p.types {
		a := &r.arenas[id]
		a.n, a.ti, a.base = p.counts[i], p.tis[i], nil
	}
}

// StateHash is zero: a Frozen holds nothing of its graph's state but how
// to copy it, which changes with its first copy. A value that holds one
// (a checkpoint) hashes as what it holds besides (internal/deephash hashes
// a pointer to a StateHasher as its StateHash).
func (f *Frozen[T]) StateHash() uint64 { return 0 }
