package worldcopy

import (
	"fmt"
	"reflect"
	"strconv"
	"unsafe"
)

// record is an object the walk reached: n elements of type ti at p
// (one for a pointer's target, a slice's length), in an allocation of
// extent bytes (a slice's capacity). A copy notes a few hundred, and a
// Frozen's plan keeps them: 48 bytes each.
type record struct {
	p      unsafe.Pointer
	ti     *tinfo
	n      int
	extent uintptr
	// next is the record noted before this one at the same address (-1:
	// none).
	next int32
	// g is the record's group (allocate).
	g int32
	// own is set for the target of a pointer type with its own copier:
	// ti is the pointer type's, and ti.custom copies it.
	own bool
}

// addr is the record's address.
func (rec *record) addr() uintptr { return uintptr(rec.p) }

// group is a run of records in one allocation: the copy's new object
// holds them all at their offsets from lo.
type group struct {
	lo, hi uintptr
	root   int
	dst    unsafe.Pointer
	// at is the group's first element in the arena of its root's type.
	at int
}

// run is one copy's state.
type run struct {
	c      *Copier
	recs   []record
	byAddr addrIndex // address → the last record there
	maps   mapIndex  // a map met → its copy (nil: walked)
	groups []group
	// temps are variables for map entries, kept between copies, by
	// type id and slot (temp); keys orders the records (allocate).
	temps [][]tempVar
	depth int
	keys  []uint64
	// arenas, by type id: how many elements of the type the copy's new
	// objects hold, and where they are (allocate); types lists the ids
	// in use.
	arenas []arena
	types  []int
	// typeBits marks the types of the copy's groups while they are
	// counted (markType).
	typeBits []uint64
}

// arena is the one allocation a copy makes for all its new objects of one
// type.
type arena struct {
	ti   *tinfo
	n    int
	base unsafe.Pointer
	// cap is n rounded up to a power of two (block).
	cap int
	// v is a nil []T the run keeps for the type (allocate).
	v reflect.Value
}

func newRun(c *Copier) *run {
	return &run{c: c}
}

// reset empties r for the next copy, keeping its storage.
func (r *run) reset() {
	clear(r.recs)
	r.recs = r.recs[:0]
	r.byAddr.reset()
	r.maps.reset()
	clear(r.groups)
	r.groups = r.groups[:0]
	for _, id := range r.types {
		a := &r.arenas[id]
		a.n, a.cap, a.base, a.ti = 0, 0, nil, nil
	}
	r.types = r.types[:0]
}

// Copy returns a deep copy of *root (root a non-nil pointer), as the
// package comment describes.
func Copy[T any](c *Copier, root *T) (*T, error) {
	ti := c.info(reflect.TypeOf(root))
	r, _ := c.runs.Get().(*run)
	if r == nil {
		r = newRun(c)
	}
	defer func() {
		r.reset()
		c.runs.Put(r)
	}()
	if root == nil || ti.custom != nil || ti.shareElem {
		// Nothing to copy, or the root copied by a function of its
		// own, or shared.
		return copyWhole(r, root, ti)
	}
	return walkAndFill(r, root, ti)
}

// walkAndFill is Copy for a root it walks (ti its pointer type's): it
// records what root reaches, places the records' groups and fills them.
func walkAndFill[T any](r *run, root *T, ti *tinfo) (*T, error) {
	p := unsafe.Pointer(root)
	r.note(p, ti.elem, 1, ti.elem.size, false)
	if err := r.walkOne(p, ti.elem); err != nil {
		if pe, ok := err.(*pathError); ok {
			pe.path = ti.t.Elem().Name() + pe.path
		}
		return nil, err
	}
	if err := r.allocate(); err != nil {
		return nil, err
	}
	if err := r.fillRecords(); err != nil {
		return nil, err
	}
	return (*T)(r.translate(p)), nil
}

// copyWhole is Copy for a nil root, or one of a pointer type with its own
// copier or to a shared type.
func copyWhole[T any](r *run, root *T, ti *tinfo) (*T, error) {
	src := unsafe.Pointer(&root)
	if err := r.walkOne(src, ti); err != nil {
		return nil, err
	}
	if err := r.allocate(); err != nil {
		return nil, err
	}
	var out *T
	if err := r.fillOne(unsafe.Pointer(&out), src, ti); err != nil {
		return nil, err
	}
	return out, nil
}

// note records an object (own: the target of a pointer type with its own
// copier, ti the pointer type's, never walked); it reports whether its
// elements past the previous record of the same address and type are
// still to walk, and from which one.
func (r *run) note(p unsafe.Pointer, ti *tinfo, n int, ext uintptr, own bool) (from int, walk bool) {
	addr := uintptr(p)
	x := &r.byAddr
	x.room()
	slot, seen := x.slotOf(addr)
	i, first := -1, -1
	if seen {
		i = int(x.vals[slot])
		first = i
	}
	for seen && i >= 0 && r.recs[i].ti != ti {
		i = int(r.recs[i].next)
	}
	if seen && i >= 0 {
		rec := &r.recs[i]
		if ext > rec.extent {
			rec.extent = ext
		}
		if n <= rec.n {
			return 0, false
		}
		from, rec.n = rec.n, n
		return from, !own
	}
	// The records of one address chain from the last one noted.
	if !seen {
		x.keys[slot] = addr
		x.n++
	}
	x.vals[slot] = int32(len(r.recs))
	r.recs = append(r.recs, record{p: p, ti: ti, n: n, extent: ext, own: own, next: int32(first)})
	return 0, !own
}

// walkOne records what the value of type ti at p reaches.
func (r *run) walkOne(p unsafe.Pointer, ti *tinfo) error {
	return r.walkElems(p, ti, 0, 1, false)
}

// walkElems records what elements from to n of the array of type ti at p
// reach (indexed: their paths say which element).
func (r *run) walkElems(p unsafe.Pointer, ti *tinfo, from, n int, indexed bool) error {
	for i := from; i < n; i++ {
		e := unsafe.Add(p, uintptr(i)*ti.size)
		for k := range ti.walks {
			o := &ti.walks[k]
			if err := r.walkPart(unsafe.Add(e, o.off), o.ti); err != nil {
				err = at(err, o.path)
				if indexed {
					err = at(err, "["+strconv.Itoa(i)+"]")
				}
				return err
			}
		}
	}
	return nil
}

// walkPart records what the part of type ti at p reaches (a pointer,
// slice, interface, map or long array).
func (r *run) walkPart(p unsafe.Pointer, ti *tinfo) error {
	switch ti.k {
	case kPtr:
		a := *(*unsafe.Pointer)(p)
		if a == nil || ti.shareElem {
			return nil
		}
		if ti.custom != nil {
			r.note(a, ti, 1, ti.t.Elem().Size(), true)
			return nil
		}
		if _, ok := r.note(a, ti.elem, 1, ti.elem.size, false); ok && len(ti.elem.walks) > 0 {
			return at(r.walkOne(a, ti.elem), ".*")
		}
	case kSlice:
		h := (*sliceHeader)(p)
		if h.data == nil || h.cap == 0 || ti.elem.size == 0 {
			return nil
		}
		from, ok := r.note(h.data, ti.elem, h.len, uintptr(h.cap)*ti.elem.size, false)
		if ok && len(ti.elem.walks) > 0 {
			return r.walkElems(h.data, ti.elem, from, h.len, true)
		}
	case kArray:
		return r.walkElems(p, ti.elem, 0, ti.n, true)
	case kIface:
		return r.walkIface(p, ti)
	case kMap:
		return r.walkMap(p, ti)
	case kRefuse:
		if *(*unsafe.Pointer)(p) != nil {
			return &pathError{msg: fmt.Sprintf("a %s the copier does not know (declare the field zero and rebuild it)", ti.t)}
		}
	}
	return nil
}

func (r *run) walkIface(p unsafe.Pointer, ti *tinfo) error {
	e := (*eface)(p)
	if e.typ == nil {
		return nil
	}
	d := r.c.dynamic(e.typ, p, ti)
	var err error
	switch d.mode {
	case ifaceDirect:
		// Pointer-shaped: the data word is the value.
		err = r.walkOne(unsafe.Pointer(&e.data), d.ti)
	case ifaceShared:
	case ifaceBox:
		if _, ok := r.note(e.data, d.ti, 1, d.ti.size, false); ok {
			err = r.walkOne(e.data, d.ti)
		}
	}
	if err != nil {
		return at(err, ".("+d.ti.t.String()+")")
	}
	return nil
}

func (r *run) walkMap(p unsafe.Pointer, ti *tinfo) error {
	m := *(*unsafe.Pointer)(p)
	if m == nil || ti.mapPlain {
		return nil
	}
	if _, ok := r.maps.get(m); ok {
		return nil
	}
	r.maps.put(m, nil)
	sv := ti.mapValue(m)
	if sv.Len() == 0 {
		return nil
	}
	r.depth++
	d := 4 * r.depth
	kt, vt := r.temp(ti.key, d), r.temp(ti.val, d+1)
	if pm := ti.ptrMap; pm != nil && ti.val.k == kPtr {
		defer func() {
			r.depth--
			vt.v.SetZero()
		}()
		if k, err := pm.walk(r, m, ti.val, vt); err != nil {
			// The key as the map's key type formats it.
			return at(err, fmt.Sprintf("[%v]", reflect.ValueOf(k).Convert(ti.key.t)))
		}
		return nil
	}
	defer func() {
		r.depth--
		// The temporaries are kept for the next map: zero, holding
		// nothing of this one.
		kt.v.SetZero()
		vt.v.SetZero()
	}()
	var it reflect.MapIter
	it.Reset(sv)
	for it.Next() {
		kt.v.SetIterKey(&it)
		vt.v.SetIterValue(&it)
		if err := r.walkOne(kt.p, ti.key); err != nil {
			return at(err, fmt.Sprintf("[key %v]", it.Key()))
		}
		if err := r.walkOne(vt.p, ti.val); err != nil {
			return at(err, fmt.Sprintf("[%v]", it.Key()))
		}
	}
	return nil
}

// tempVar is a variable of the run's for a map entry's key or value: v
// is it, p its address (reflect.Value.Addr looks up the pointer type in a
// process-wide table at each call).
type tempVar struct {
	v reflect.Value
	p unsafe.Pointer
}

// temp returns a zero variable of ti's type (slot: one of several of
// one type at once, four per depth of maps within maps), kept by the run
// for the next copies.
func (r *run) temp(ti *tinfo, slot int) *tempVar {
	if ti.id >= len(r.temps) {
		r.temps = append(r.temps, make([][]tempVar, ti.id+1-len(r.temps))...)
	}
	vs := r.temps[ti.id]
	if slot >= len(vs) {
		vs = append(vs, make([]tempVar, slot+1-len(vs))...)
		r.temps[ti.id] = vs
	}
	if vs[slot].p == nil {
		pv := reflect.New(ti.t)
		vs[slot] = tempVar{v: pv.Elem(), p: pv.UnsafePointer()}
	}
	return &vs[slot]
}

// fillRecords copies every recorded object into its new place.
func (r *run) fillRecords() error {
	for i := range r.recs {
		rec := &r.recs[i]
		if rec.own {
			continue
		}
		g := &r.groups[rec.g]
		dst := unsafe.Add(g.dst, rec.addr()-g.lo)
		if rec.ti.k == kPlain {
			// Up to the capacity: a reslice (s[:cap(s)]) reads the
			// elements past the length again.
			n := max(uintptr(rec.n)*rec.ti.size, rec.extent)
			copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(rec.p), n))
			continue
		}
		if err := r.fillElems(dst, rec.p, rec.ti, rec.n); err != nil {
			return err
		}
	}
	return nil
}

// fillOne copies the value of type ti at src into dst, which holds zero.
func (r *run) fillOne(dst, src unsafe.Pointer, ti *tinfo) error {
	return r.fillElems(dst, src, ti, 1)
}

// fillElems copies the n elements of type ti at src into dst, which holds
// zero: the plain bytes by runs, the other parts one by one (a pointer
// written with the write barrier); fields declared zero stay zero.
func (r *run) fillElems(dst, src unsafe.Pointer, ti *tinfo, n int) error {
	runs, ops := ti.runs, ti.fills
	if ti.whole {
		// Copied at once, then the parts that differ (whole.go).
		ti.copyWhole(dst, src, n)
		runs, ops = nil, ti.patches
	}
	for i := range n {
		off := uintptr(i) * ti.size
		d, s := unsafe.Add(dst, off), unsafe.Add(src, off)
		for _, pr := range runs {
			dr, sr := unsafe.Add(d, pr.off), unsafe.Add(s, pr.off)
			if pr.words > 0 {
				copyWords(dr, sr, pr.words)
				continue
			}
			copy(unsafe.Slice((*byte)(dr), pr.n), unsafe.Slice((*byte)(sr), pr.n))
		}
		for k := range ops {
			o := &ops[k]
			dp, sp := unsafe.Add(d, o.off), unsafe.Add(s, o.off)
			// The commonest parts here, as fillPart copies them.
			switch o.ti.k {
			case kString:
				*(*string)(dp) = *(*string)(sp)
				continue
			case kPtr:
				a := *(*unsafe.Pointer)(sp)
				if a != nil && !o.ti.shareElem {
					a = r.translate(a)
				}
				*(*unsafe.Pointer)(dp) = a
				continue
			}
			if err := r.fillPart(dp, sp, o.ti); err != nil {
				return at(err, o.path)
			}
		}
	}
	return nil
}

// copyWords copies n words of plain data (no pointers) from s to d.
func copyWords(d, s unsafe.Pointer, n uintptr) {
	const w = unsafe.Sizeof(uintptr(0))
	for i := range n {
		*(*uintptr)(unsafe.Add(d, i*w)) = *(*uintptr)(unsafe.Add(s, i*w))
	}
}

// fillPart copies the part of type ti at src into dst, which holds zero.
func (r *run) fillPart(dst, src unsafe.Pointer, ti *tinfo) error {
	switch ti.k {
	case kShare:
		typedCopy(dst, src, ti.t)
	case kCustom:
		ti.custom(dst, src)
	case kString:
		*(*string)(dst) = *(*string)(src)
	case kPtr:
		a := *(*unsafe.Pointer)(src)
		if a == nil || ti.shareElem {
			*(*unsafe.Pointer)(dst) = a
			return nil
		}
		*(*unsafe.Pointer)(dst) = r.translate(a)
	case kSlice:
		s, d := (*sliceHeader)(src), (*sliceHeader)(dst)
		d.len, d.cap = s.len, s.cap
		if s.data == nil || s.cap == 0 || ti.elem.size == 0 {
			d.data = s.data
			return nil
		}
		d.data = r.translate(s.data)
	case kArray:
		return r.fillElems(dst, src, ti.elem, ti.n)
	case kIface:
		return r.fillIface(dst, src, ti)
	case kMap:
		return r.fillMap(dst, src, ti)
	case kRefuse:
		if *(*unsafe.Pointer)(src) != nil {
			return &pathError{path: ti.t.String(), msg: "not copied"}
		}
	}
	return nil
}

// typedCopy copies the value of type t at src into dst with the write
// barriers its pointers need.
func typedCopy(dst, src unsafe.Pointer, t reflect.Type) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map:
		*(*unsafe.Pointer)(dst) = *(*unsafe.Pointer)(src)
	case reflect.Slice:
		*(*sliceHeader)(dst) = *(*sliceHeader)(src)
	case reflect.String:
		*(*string)(dst) = *(*string)(src)
	default:
		reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
	}
}

func (r *run) fillIface(dst, src unsafe.Pointer, ti *tinfo) error {
	s, d := (*eface)(src), (*eface)(dst)
	if s.typ == nil {
		return nil
	}
	dyn := r.c.dynamic(s.typ, src, ti)
	d.typ = s.typ
	switch dyn.mode {
	case ifaceDirect:
		if err := r.fillOne(unsafe.Pointer(&d.data), unsafe.Pointer(&s.data), dyn.ti); err != nil {
			return at(err, ".("+dyn.ti.t.String()+")")
		}
	case ifaceShared:
		d.data = s.data
	default:
		d.data = r.translate(s.data)
	}
	return nil
}

func (r *run) fillMap(dst, src unsafe.Pointer, ti *tinfo) error {
	m := *(*unsafe.Pointer)(src)
	if m == nil {
		return nil
	}
	// A map reached twice is one map in the copy, of plain entries or
	// not: a write through one of its holders is seen through the other
	// (a struct copied by assignment shares its maps). The walk leaves a
	// plain map out; its copy enters the table here.
	if nm, _ := r.maps.get(m); nm != nil {
		*(*unsafe.Pointer)(dst) = nm
		return nil
	}
	sv := ti.mapValue(m)
	n := sv.Len()
	switch {
	case n == 0:
		// Nothing to iterate: a new empty map, as make(map[K]V) makes.
		nm := makemapSmall(ti.mapType)
		r.maps.put(m, nm)
		*(*unsafe.Pointer)(dst) = nm
		return nil
	case ti.mapPlain:
		// Entries copy as they are: the runtime's clone (maps.Clone).
		nm := ti.cloneMap(m)
		r.maps.put(m, nm)
		*(*unsafe.Pointer)(dst) = nm
		return nil
	}
	if pm := ti.ptrMap; pm != nil && ti.val.k == kPtr {
		// A pointer value by a basic key: the compiled loop (maps.go).
		nm := pm.fill(r, m, ti.val.shareElem)
		r.maps.put(m, nm)
		*(*unsafe.Pointer)(dst) = nm
		return nil
	}
	nm := makemap(ti.mapType, n)
	r.maps.put(m, nm)
	var it reflect.MapIter
	it.Reset(sv)
	r.depth++
	d := 4 * r.depth
	kt, vt := r.temp(ti.key, d), r.temp(ti.val, d+1)
	nk, nvv := r.temp(ti.key, d+2), r.temp(ti.val, d+3)
	defer func() {
		r.depth--
		kt.v.SetZero()
		vt.v.SetZero()
		nk.v.SetZero()
		nvv.v.SetZero()
	}()
	keyPlain := byValue(ti.key)
	for it.Next() {
		kt.v.SetIterKey(&it)
		vt.v.SetIterValue(&it)
		key := kt
		if !keyPlain {
			// A key to copy (a key of numbers and strings is used as
			// it is).
			nk.v.SetZero()
			if err := r.fillOne(nk.p, kt.p, ti.key); err != nil {
				return at(err, fmt.Sprintf("[key %v]", it.Key()))
			}
			key = nk
		}
		nvv.v.SetZero()
		if err := r.fillOne(nvv.p, vt.p, ti.val); err != nil {
			return at(err, fmt.Sprintf("[%v]", it.Key()))
		}
		mapassign(ti.mapType, nm, key.p, nvv.p)
	}
	*(*unsafe.Pointer)(dst) = nm
	return nil
}

// direct reports whether an interface holds a value of type t in its data
// word (a pointer-shaped type), not in a box the word points to: the
// compiler's rule for direct interface types.
func direct(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() == 1 && direct(t.Elem())
	case reflect.Struct:
		return t.NumField() == 1 && direct(t.Field(0).Type)
	}
	return false
}
