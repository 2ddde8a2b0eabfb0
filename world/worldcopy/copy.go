package worldcopy

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// record is an object the walk reached: n elements of type ti at addr
// (one for a pointer's target, a slice's length), in an allocation of
// extent bytes (a slice's capacity).
type record struct {
	p      unsafe.Pointer
	addr   uintptr
	ti     *tinfo
	n      int
	extent uintptr
	// custom is set for the target of a pointer type with its own copier
	// (tinfo.custom of the pointer type).
	custom func(dst, src unsafe.Pointer)
	// box is set for the value an interface holds by value.
	box bool
	// next is the record noted before this one at the same address (-1:
	// none).
	next int
}

// group is a run of records in one allocation: the copy's new object
// holds them all at their offsets from lo.
type group struct {
	lo, hi uintptr
	root   int
	dst    unsafe.Pointer
}

// run is one copy's state.
type run struct {
	c      *Copier
	recs   []record
	byAddr map[uintptr]int // address → 1 + the last record there
	maps   map[unsafe.Pointer]unsafe.Pointer
	groups []group
	// temps are variables for map entries, kept between copies;
	// keys orders the records (allocate); last is the group translate
	// found last.
	temps map[tempKey]reflect.Value
	depth int
	keys  []uint64
	last  int
}

// reset empties r for the next copy, keeping its storage.
func (r *run) reset() {
	clear(r.recs)
	r.recs = r.recs[:0]
	clear(r.byAddr)
	clear(r.maps)
	clear(r.groups)
	r.groups = r.groups[:0]
	r.last = 0
}

// Copy returns a deep copy of *root (root a non-nil pointer), as the
// package comment describes.
func Copy[T any](c *Copier, root *T) (*T, error) {
	ti := c.info(reflect.TypeOf(root))
	r, _ := c.runs.Get().(*run)
	if r == nil {
		r = &run{c: c, byAddr: map[uintptr]int{}, maps: map[unsafe.Pointer]unsafe.Pointer{}, temps: map[tempKey]reflect.Value{}}
	}
	defer func() {
		r.reset()
		c.runs.Put(r)
	}()
	src := unsafe.Pointer(&root)
	if err := r.walk(src, ti); err != nil {
		if pe, ok := err.(*pathError); ok {
			pe.path = ti.t.Elem().Name() + strings.TrimPrefix(pe.path, ".*")
		}
		return nil, err
	}
	if err := r.allocate(); err != nil {
		return nil, err
	}
	if err := r.fillRecords(); err != nil {
		return nil, err
	}
	var out *T
	if err := r.fill(unsafe.Pointer(&out), src, ti); err != nil {
		return nil, err
	}
	return out, nil
}

// note records an object; it reports whether its elements past the
// previous record of the same address and type are still to walk, and from
// which one.
func (r *run) note(p unsafe.Pointer, ti *tinfo, n int, ext uintptr, custom func(dst, src unsafe.Pointer), box bool) (from int, walk bool) {
	addr := uintptr(p)
	first, seen := r.byAddr[addr]
	i := first - 1
	for seen && i >= 0 && r.recs[i].ti != ti {
		i = r.recs[i].next
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
		return from, custom == nil
	}
	// The records of one address chain from the last one noted.
	r.byAddr[addr] = len(r.recs) + 1
	r.recs = append(r.recs, record{p: p, addr: addr, ti: ti, n: n, extent: ext, custom: custom, box: box, next: first - 1})
	return 0, custom == nil
}

// walk records what the value of type ti at p reaches.
func (r *run) walk(p unsafe.Pointer, ti *tinfo) error {
	switch ti.k {
	case kPlain, kShare, kCustom, kString:
		return nil
	case kPtr:
		a := *(*unsafe.Pointer)(p)
		if a == nil || ti.shareElem {
			return nil
		}
		if ti.custom != nil {
			r.note(a, ti, 1, ti.t.Elem().Size(), ti.custom, false)
			return nil
		}
		if _, ok := r.note(a, ti.elem, 1, ti.elem.size, nil, false); ok {
			return at(r.walk(a, ti.elem), ".*")
		}
	case kSlice:
		h := (*sliceHeader)(p)
		if h.data == nil || h.cap == 0 || ti.elem.size == 0 {
			return nil
		}
		from, ok := r.note(h.data, ti.elem, h.len, uintptr(h.cap)*ti.elem.size, nil, false)
		if !ok || ti.elem.k == kPlain || ti.elem.k == kString || ti.elem.k == kShare {
			return nil
		}
		for i := from; i < h.len; i++ {
			if err := r.walk(unsafe.Add(h.data, uintptr(i)*ti.elem.size), ti.elem); err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
		}
	case kArray:
		for i := range ti.n {
			if err := r.walk(unsafe.Add(p, uintptr(i)*ti.elem.size), ti.elem); err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
		}
	case kStruct:
		for _, f := range ti.fields {
			if f.zero {
				continue
			}
			if err := r.walk(unsafe.Add(p, f.off), f.ti); err != nil {
				return at(err, "."+f.name)
			}
		}
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
		err = r.walk(unsafe.Pointer(&e.data), d.ti)
	case ifaceShared:
	case ifaceBox:
		if _, ok := r.note(e.data, d.ti, 1, d.ti.size, nil, true); ok {
			err = r.walk(e.data, d.ti)
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
	if _, ok := r.maps[m]; ok {
		return nil
	}
	r.maps[m] = nil
	r.depth++
	d := 4 * r.depth
	kt, vt := r.temp(ti.t.Key(), d), r.temp(ti.t.Elem(), d+1)
	defer func() {
		r.depth--
		// The temporaries are kept for the next map: zero, holding
		// nothing of this one.
		kt.SetZero()
		vt.SetZero()
	}()
	var it reflect.MapIter
	it.Reset(reflect.NewAt(ti.t, p).Elem())
	for it.Next() {
		kt.SetIterKey(&it)
		vt.SetIterValue(&it)
		if err := r.walk(kt.Addr().UnsafePointer(), ti.key); err != nil {
			return at(err, fmt.Sprintf("[key %v]", it.Key()))
		}
		if err := r.walk(vt.Addr().UnsafePointer(), ti.val); err != nil {
			return at(err, fmt.Sprintf("[%v]", it.Key()))
		}
	}
	return nil
}

// temp returns a zero variable of type t (slot: one of several of one
// type at once, four per depth of maps within maps), kept by the run for
// the next copies.
func (r *run) temp(t reflect.Type, slot int) reflect.Value {
	k := tempKey{t, slot}
	v, ok := r.temps[k]
	if !ok {
		v = reflect.New(t).Elem()
		r.temps[k] = v
	}
	return v
}

type tempKey struct {
	t    reflect.Type
	slot int
}

// allocate groups the records by address and makes one new object per
// group.
func (r *run) allocate() error {
	// Records in address order: keys of the address above the index
	// (addresses fit in 48 bits, indexes in 16), sorted without a
	// comparison function.
	if len(r.recs) >= 1<<16 {
		return fmt.Errorf("worldcopy: %d objects, more than a copy handles", len(r.recs))
	}
	r.keys = r.keys[:0]
	for i := range r.recs {
		if r.recs[i].addr >= 1<<48 {
			return fmt.Errorf("worldcopy: an address above 2^48")
		}
		r.keys = append(r.keys, uint64(r.recs[i].addr)<<16|uint64(i))
	}
	slices.Sort(r.keys)
	var root *record
	for _, k := range r.keys {
		i := int(k & (1<<16 - 1))
		rec := &r.recs[i]
		end := rec.addr + rec.extent
		if n := len(r.groups); n > 0 && rec.addr < r.groups[n-1].hi {
			g := &r.groups[n-1]
			switch {
			case rec.custom != nil || root.custom != nil:
				return fmt.Errorf("worldcopy: a %s and a %s overlap, and one of them has its own copier", root.ti.t, rec.ti.t)
			case end <= g.hi:
				continue
			case rec.addr == g.lo:
				// A larger object at the same address (a struct and
				// its first field, an array and its first element):
				// it opens the group.
				g.hi, g.root, root = end, i, rec
				continue
			case rec.ti == root.ti && (rec.addr-g.lo)%rec.ti.size == 0:
				// Two slices of one array: the group grows to both.
				g.hi = end
				continue
			default:
				return fmt.Errorf("worldcopy: a %s at offset %d of a %s runs past its end", rec.ti.t, rec.addr-g.lo, root.ti.t)
			}
		}
		r.groups = append(r.groups, group{lo: rec.addr, hi: end, root: i})
		root = rec
	}
	for gi := range r.groups {
		g := &r.groups[gi]
		rec := &r.recs[g.root]
		switch {
		case rec.custom != nil:
			// A pointer type's own copier (the record's type is the
			// pointer type).
			var out unsafe.Pointer
			rec.custom(unsafe.Pointer(&out), unsafe.Pointer(&rec.p))
			g.dst = out
		case g.hi-g.lo == rec.ti.size:
			g.dst = reflect.New(rec.ti.t).UnsafePointer()
		default:
			n := int((g.hi - g.lo) / rec.ti.size)
			g.dst = reflect.MakeSlice(rec.ti.sliceOf, n, n).UnsafePointer()
		}
	}
	return nil
}

// translate returns where the copy holds what the original holds at a.
func (r *run) translate(a unsafe.Pointer) unsafe.Pointer {
	u := uintptr(a)
	if g := &r.groups[r.last]; g.lo <= u && u < g.hi {
		return unsafe.Add(g.dst, u-g.lo)
	}
	lo, hi := 0, len(r.groups)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.groups[m].hi <= u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(r.groups) || r.groups[lo].lo > u {
		panic(fmt.Sprintf("worldcopy: %#x was not recorded", u))
	}
	r.last = lo
	g := &r.groups[lo]
	return unsafe.Add(g.dst, u-g.lo)
}

// fillRecords copies every recorded object into its new place.
func (r *run) fillRecords() error {
	for i := range r.recs {
		rec := &r.recs[i]
		if rec.custom != nil {
			continue
		}
		dst := r.translate(rec.p)
		if rec.ti.k == kPlain {
			n := uintptr(rec.n) * rec.ti.size
			copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(rec.p), n))
			continue
		}
		for j := range rec.n {
			off := uintptr(j) * rec.ti.size
			if err := r.fill(unsafe.Add(dst, off), unsafe.Add(rec.p, off), rec.ti); err != nil {
				return err
			}
		}
	}
	return nil
}

// fill copies the value of type ti at src into dst, which holds zero.
func (r *run) fill(dst, src unsafe.Pointer, ti *tinfo) error {
	switch ti.k {
	case kPlain:
		copy(unsafe.Slice((*byte)(dst), ti.size), unsafe.Slice((*byte)(src), ti.size))
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
		for i := range ti.n {
			off := uintptr(i) * ti.elem.size
			if err := r.fill(unsafe.Add(dst, off), unsafe.Add(src, off), ti.elem); err != nil {
				return err
			}
		}
	case kStruct:
		// Plain fields copy as bytes, by runs; the rest field by field
		// (a pointer written with the write barrier); zero fields stay
		// zero.
		for _, pr := range ti.plain {
			copy(unsafe.Slice((*byte)(unsafe.Add(dst, pr.off)), pr.n), unsafe.Slice((*byte)(unsafe.Add(src, pr.off)), pr.n))
		}
		for _, f := range ti.fields {
			if f.zero {
				continue
			}
			if err := r.fill(unsafe.Add(dst, f.off), unsafe.Add(src, f.off), f.ti); err != nil {
				return at(err, "."+f.name)
			}
		}
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
		if err := r.fill(unsafe.Pointer(&d.data), unsafe.Pointer(&s.data), dyn.ti); err != nil {
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
	if !ti.mapPlain {
		if nm := r.maps[m]; nm != nil {
			*(*unsafe.Pointer)(dst) = nm
			return nil
		}
	}
	sv := reflect.NewAt(ti.t, src).Elem()
	nv := reflect.MakeMapWithSize(ti.t, sv.Len())
	var it reflect.MapIter
	it.Reset(sv)
	if ti.mapPlain {
		for it.Next() {
			nv.SetMapIndex(it.Key(), it.Value())
		}
		*(*unsafe.Pointer)(dst) = nv.UnsafePointer()
		return nil
	}
	r.maps[m] = nv.UnsafePointer()
	r.depth++
	d := 4 * r.depth
	kt, vt := r.temp(ti.t.Key(), d), r.temp(ti.t.Elem(), d+1)
	nk, nvv := r.temp(ti.t.Key(), d+2), r.temp(ti.t.Elem(), d+3)
	defer func() {
		r.depth--
		kt.SetZero()
		vt.SetZero()
		nk.SetZero()
		nvv.SetZero()
	}()
	for it.Next() {
		kt.SetIterKey(&it)
		vt.SetIterValue(&it)
		nk.SetZero()
		nvv.SetZero()
		if err := r.fill(nk.Addr().UnsafePointer(), kt.Addr().UnsafePointer(), ti.key); err != nil {
			return at(err, fmt.Sprintf("[key %v]", it.Key()))
		}
		if err := r.fill(nvv.Addr().UnsafePointer(), vt.Addr().UnsafePointer(), ti.val); err != nil {
			return at(err, fmt.Sprintf("[%v]", it.Key()))
		}
		nv.SetMapIndex(nk, nvv)
	}
	*(*unsafe.Pointer)(dst) = nv.UnsafePointer()
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
