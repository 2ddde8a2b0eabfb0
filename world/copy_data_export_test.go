package world

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/coro"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/kept"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/peer"
	"github.com/migsim/migsim/world/rerun"
	"github.com/migsim/migsim/world/worldcopy"
)

// CopyDataForTest is copyData.
func (w *World) CopyDataForTest() (*World, error) { return w.copyData(nil) }

// WithCodeOfForTest runs f with the copy c holding the original's parts
// that the state hash reads and the rebuilds give a copy (the hypervisor,
// the actors' pending requests), and takes them back after.
func (w *World) WithCodeOfForTest(orig *World, f func()) {
	w.hv = orig.hv
	for i, a := range w.actors {
		a.req = orig.actors[i].req
	}
	defer func() {
		w.hv = nil
		for _, a := range w.actors {
			a.req = nil
		}
	}()
	f()
}

// codeTypes are the types of what copyData leaves to the rebuilds (and a
// hasher's scratch, and the arrays a PF keeps for its next event's
// effects, owner.Config.ReuseEffects), which DataHashForTest leaves out.
var codeTypes = map[reflect.Type]bool{
	reflect.TypeFor[*coro.Coro[*actorReq, []byte]](): true,
	reflect.TypeFor[*actorReq]():                     true,
	reflect.TypeFor[actorReq]():                      true,
	reflect.TypeFor[memAccess]():                     true,
	reflect.TypeFor[guest.Driver]():                  true,
	reflect.TypeFor[*hv.Hypervisor]():                true,
	reflect.TypeFor[*peer.Peer]():                    true,
	reflect.TypeFor[*rerun.Tape]():                   true,
	reflect.TypeFor[deephash.Hasher]():               true,
	pfSpareType():                                    true,
}

// pfSpareType is the type of owner.PF's arrays for the next event's
// effects, which copyData leaves zero.
func pfSpareType() reflect.Type {
	f, ok := reflect.TypeFor[owner.PF]().FieldByName("spare")
	if !ok {
		panic("owner.PF has no field spare")
	}
	return f.Type
}

// DataHashForTest is a deep hash (package deephash) of everything
// copyData copies.
func (w *World) DataHashForTest() uint64 {
	h := deephash.Hasher{Skip: func(t reflect.Type) bool { return codeTypes[t] }}
	return h.Hash(w)
}

// RunDevicesForTest runs up to n of the devices' pending events, each the
// first of the first device with one, and returns how many it ran.
func (w *World) RunDevicesForTest(n int) int {
	ran := 0
	for ran < n {
		i := slices.IndexFunc(w.devs, func(d *devActor) bool { return len(d.pending) > 0 && !w.hosts[d.key.host].failed })
		if i < 0 {
			break
		}
		d := w.devs[i]
		w.Execute(engine.Step{Actor: d.id, ID: len(w.actors) + i, Label: d.pending[0].Label, Footprint: w.deviceFootprint(d)})
		ran++
	}
	return ran
}

// plantedEnv is a host's environment holding a closure the copier does
// not know.
type plantedEnv struct {
	observeWorld
	hook func()
}

// PlantClosureForTest gives host 0's record an environment that holds a
// closure; it returns where the closure is.
func (w *World) PlantClosureForTest() string {
	w.hosts[0].truth = ownerview.NewRecord(plantedEnv{observeWorld{w}, func() {}})
	return "World.hosts[0].*.truth.*.env.(world.plantedEnv).hook"
}

// span is memory a walk reached: an object, a slice's array, a map.
type span struct {
	lo, hi uintptr
	path   string
}

// reach walks what copyData copies, by reflection, and lists the memory
// it reaches. It does not go into the types the copy shares, the fields it
// leaves zero, a memory's pages (copied on write) or an actor's record
// (shared: it only grows).
type reach struct {
	seen  map[span]bool
	spans []span
}

func (r *reach) add(lo, n uintptr, path string) bool {
	k := span{lo: lo, hi: lo + n}
	if n == 0 || r.seen[k] {
		return false
	}
	r.seen[k] = true
	r.spans = append(r.spans, span{lo, lo + n, path})
	return true
}

func (r *reach) value(v reflect.Value, path string) {
	t := v.Type()
	if kept.Shared(t) || t == reflect.TypeFor[actorlog.Log]() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if r.add(v.Pointer(), t.Elem().Size(), path) && t != reflect.TypeFor[*virtq.GuestMemory]() {
			r.value(v.Elem(), path+".*")
		}
	case reflect.Slice:
		if v.Cap() == 0 {
			return
		}
		fresh := r.add(v.Pointer(), uintptr(v.Cap())*t.Elem().Size(), path)
		if !fresh {
			return
		}
		for i := range v.Len() {
			r.value(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Array:
		for i := range v.Len() {
			r.value(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		zero := copyZero[t]
		for i := range v.NumField() {
			if name := t.Field(i).Name; !slices.Contains(zero, name) {
				r.value(v.Field(i), path+"."+name)
			}
		}
	case reflect.Interface:
		if !v.IsNil() {
			r.value(v.Elem(), fmt.Sprintf("%s.(%s)", path, v.Elem().Type()))
		}
	case reflect.Map:
		if v.IsNil() || !r.add(v.Pointer(), 1, path) {
			return
		}
		for it := v.MapRange(); it.Next(); {
			r.value(it.Key(), fmt.Sprintf("%s[key %v]", path, it.Key()))
			r.value(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))
		}
	}
}

// SharedWithForTest lists what c, a copy of w, shares with w besides what
// copyData declares shared: the paths in both of every object, array or
// map reachable from both. It also returns how many spans w reaches.
func (w *World) SharedWithForTest(c *World) (shared []string, reached int) {
	walk := func(x *World) []span {
		r := &reach{seen: map[span]bool{}}
		r.value(reflect.ValueOf(x), "World")
		return r.spans
	}
	orig, cp := walk(w), walk(c)
	for _, s := range cp {
		for _, o := range orig {
			if o.lo < s.hi && s.lo < o.hi {
				shared = append(shared, fmt.Sprintf("%s (original) and %s (copy)", o.path, s.path))
			}
		}
	}
	return shared, len(orig)
}

// CopyCensusForTest is what copyData copies, by type.
func (w *World) CopyCensusForTest() (worldcopy.Census, error) { return worldcopy.Count(worldCopier, w) }

// FrozenCopiesForTest copies w's data as Fork keeps it, then that copy's
// data n times as the kept copy's Fork does (worldcopy.Frozen: the first
// walks it, the next ones fill its groups again).
func (w *World) FrozenCopiesForTest(n int) (kept *World, copies []*World, err error) {
	kept, err = w.copyData(nil)
	if err != nil {
		return nil, nil, err
	}
	f := worldcopy.Freeze(worldCopier, kept)
	for range n {
		c, err := kept.copyData(f)
		if err != nil {
			return nil, nil, err
		}
		copies = append(copies, c)
	}
	return kept, copies, nil
}
