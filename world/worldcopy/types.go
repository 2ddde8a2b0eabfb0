// Package worldcopy makes an independent deep copy of a graph of Go values
// by reflection, with a copier compiled once per type: every object
// reachable from the root (what pointers, slices, maps and interfaces
// reach) is copied once, and the copy keeps the graph's sharing: two
// pointers to one object, a pointer into a struct another pointer holds, or
// two slices of one array, point into one copied object.
//
// A copy runs in two passes. The first walks the graph from the root and
// records every object a pointer or a slice reaches (its address, type and
// extent), indexed by address in an open-addressing table; the records
// are then grouped by address, a record inside another's extent being part
// of it (an embedded struct, an element of an array), and each group gets
// its new place. The places are all in one allocation, a block: a struct
// type with an array per type of object, made once per layout (the types
// and their counts rounded up to a power of two) and kept by the Copier;
// past a bound on layouts, each type's objects share one array. The second
// pass fills the new objects, translating every pointer by its offset into
// its group. Both passes follow each type's parts flattened through its
// structs and short arrays when the type is compiled: byte runs copied as
// they are, and the strings, pointers, slices, interfaces and maps, each
// with its path for errors (a map through the Go runtime's own map
// functions, maps.go); a struct of many parts copied as they are is
// copied at once, then its other parts written again (whole.go). A
// slice's elements past its length are copied as they are when they hold
// no pointers (a reslice up to its capacity reads them again); those that
// hold pointers are not walked and stay zero in the copy.
//
// What is not copied is declared (Config): types whose values are
// immutable and shared by the copy (Share), struct fields left zero in the
// copy (Zero: parts the caller rebuilds), and pointer or value types copied
// by a function of their own (Custom: a copy-on-write memory). A function
// value anywhere else, a channel or an unsafe.Pointer is refused with an
// error naming its path from the root, since reflection cannot copy what a
// closure captured.
package worldcopy

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Config declares what a Copier does not copy by walking.
type Config struct {
	// Share reports whether values of type t are immutable and shared by
	// the copy: the value is copied as it is (a pointer, a slice header, a
	// map) and not walked.
	Share func(t reflect.Type) bool
	// Zero lists, per struct type, the names of the fields left zero in
	// the copy: parts the caller rebuilds.
	Zero map[reflect.Type][]string
	// Custom copies the values of a type by a function of its own. For a
	// pointer type, the function returns the copy of the object the
	// pointer src points to (called once per object, the copy shared by
	// every pointer to it); for any other type, it writes the copy of the
	// value at src into dst. The object or value is not walked: nothing
	// outside it may point into it.
	Custom map[reflect.Type]func(dst, src unsafe.Pointer)
}

// Copier copies values; it keeps the per-type copiers it compiled and is
// safe for concurrent use.
type Copier struct {
	cfg   Config
	mu    sync.Mutex
	types sync.Map // reflect.Type → *tinfo
	// ntypes numbers the compiled types (tinfo.id), under mu.
	ntypes int
	// layouts are the blocks' struct types by the hash of their
	// layout (block); nlayouts counts them, under mu.
	layouts    sync.Map // uint64 → *layout
	nlayouts   int
	maxLayouts int
	// dyn holds what an interface's type word (its type or itab) says
	// of the value it holds.
	dyn sync.Map // unsafe.Pointer → *dynInfo
	// runs keeps the bookkeeping of finished copies for the next ones.
	runs sync.Pool
}

// dynInfo is how a copy treats the value an interface holds.
type dynInfo struct {
	typ  unsafe.Pointer
	ti   *tinfo
	mode uint8
}

const (
	ifaceDirect uint8 = iota // the data word is a pointer-shaped value
	ifaceShared              // an immutable box, or a shared type: shared
	ifaceBox                 // a box to copy
)

// dynamic returns how the interface of type ti at p, whose type word is
// typ, holds its value.
func (c *Copier) dynamic(typ, p unsafe.Pointer, ti *tinfo) *dynInfo {
	if ds := ti.dyns.Load(); ds != nil {
		for _, d := range *ds {
			if d.typ == typ {
				return d
			}
		}
	}
	if d, ok := c.dyn.Load(typ); ok {
		ti.noteDyn(d.(*dynInfo))
		return d.(*dynInfo)
	}
	t := reflect.NewAt(ti.t, p).Elem().Elem().Type()
	d := &dynInfo{typ: typ, ti: c.info(t)}
	switch {
	case direct(t):
		d.mode = ifaceDirect
	case byValue(d.ti) || d.ti.k == kShare:
		d.mode = ifaceShared
	default:
		d.mode = ifaceBox
	}
	c.dyn.Store(typ, d)
	ti.noteDyn(d)
	return d
}

// noteDyn adds d to the dynamic types ti's interfaces were seen to hold
// (up to eight, the rest looked up in Copier.dyn).
func (ti *tinfo) noteDyn(d *dynInfo) {
	for {
		old := ti.dyns.Load()
		var ds []*dynInfo
		if old != nil {
			ds = *old
		}
		if len(ds) >= 8 {
			return
		}
		nds := append(slices.Clip(ds), d)
		if ti.dyns.CompareAndSwap(old, &nds) {
			return
		}
	}
}

// New returns a copier for cfg.
func New(cfg Config) *Copier {
	if cfg.Share == nil {
		cfg.Share = func(reflect.Type) bool { return false }
	}
	return &Copier{cfg: cfg, maxLayouts: maxLayouts}
}

type kind uint8

const (
	kPlain  kind = iota // no pointers: copied as bytes
	kShare              // shared as it is
	kCustom             // a value type with its own copier
	kString
	kPtr
	kSlice
	kArray
	kStruct
	kIface
	kMap
	kRefuse // func, chan, unsafe.Pointer: refused when not nil
)

// tinfo is the compiled copier of one type.
type tinfo struct {
	t reflect.Type
	k kind
	// sliceOf is []t, for arrays of t in a copy.
	sliceOf reflect.Type
	size    uintptr
	// elem: a pointer's, slice's or array's element; n: an array's length.
	elem *tinfo
	n    int
	// fields: a struct's fields that are not plain, with their offsets
	// (flatten adds the plain ones to runs).
	fields []finfo
	// key, val: a map's; mapPlain when neither holds anything to walk
	// (numbers, booleans, strings), so that entries copy as they are.
	key, val *tinfo
	mapPlain bool
	// mapType is a map type's type word in an interface (mapValue).
	mapType unsafe.Pointer
	// ptrMap: a map type's with a key of a basic kind and a pointer
	// value, which its copies and walks use (maps.go).
	ptrMap *ptrMap
	// custom: a pointer type's or value type's own copier.
	custom func(dst, src unsafe.Pointer)
	// shareElem: a pointer to a shared type, copied as it is.
	shareElem bool
	// dyns: the first dynamic types an interface type was seen to hold
	// (Copier.dynamic).
	dyns atomic.Pointer[[]*dynInfo]

	// id numbers the type in its Copier: a copy counts its objects of
	// one type by it (run.allocate).
	id int
	// What a copy does with a value of the type, flattened through its
	// structs and short arrays (flatten): runs, the byte runs copied as
	// they are; fills, every other part to copy, in field order; walks,
	// those of fills that reach further objects.
	runs  []byteRun
	fills []op
	walks []op
	// whole: a value is copied at once, then its patches (those of
	// fills that differ in the copy) written again (whole.go); typ is
	// the type's word for the runtime's copy.
	whole   bool
	patches []op
	typ     unsafe.Pointer
	// zeroParts: the flattening left a field declared zero.
	zeroParts bool
}

// op is a part of a value: a string, pointer, slice, interface, map,
// shared or custom value, or a long array of such, at off.
type op struct {
	off uintptr
	ti  *tinfo
	// path is the part's path in the value (".f[2].g"), for errors.
	path string
}

// flatOps bounds how many parts an array is flattened to; a longer one
// is one op that loops over its elements.
const flatOps = 64

// byteRun is n bytes at off copied as they are; words, when not zero,
// says they are that many aligned words, copied one by one (wordRuns).
type byteRun struct {
	off, n uintptr
	words  uintptr
}

// maxWordRun bounds the runs copied a word at a time: a call to memmove
// costs more than a few words' loads and stores (most runs are a field
// or two between pointers).
const maxWordRun = 4

// wordRuns notes which of ti's runs are whole words at offsets of whole
// words in a type aligned to words: they copy a word at a time, aligned
// (a value of the type is at an address aligned as the type is).
func (ti *tinfo) wordRuns() {
	const w = unsafe.Sizeof(uintptr(0))
	if ti.t.Align() < int(w) {
		return
	}
	for i := range ti.runs {
		pr := &ti.runs[i]
		if pr.off%w == 0 && pr.n%w == 0 && pr.n/w <= maxWordRun {
			pr.words = pr.n / w
		}
	}
}

type finfo struct {
	off  uintptr
	name string
	ti   *tinfo
	zero bool
}

// info returns the compiled copier of t.
func (c *Copier) info(t reflect.Type) *tinfo {
	if ti, ok := c.types.Load(t); ok {
		return ti.(*tinfo)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	building := map[reflect.Type]*tinfo{}
	ti := c.build(t, building)
	// Flattened once every type the new ones reach is built (a struct
	// may reach itself through a pointer).
	for _, b := range building {
		b.runs, b.fills, b.zeroParts = nil, nil, false
		b.flatten(b, 0, "")
		b.wordRuns()
		b.planWhole(b.zeroParts)
		for _, o := range b.fills {
			if o.ti.walked() {
				b.walks = append(b.walks, o)
			}
		}
	}
	for bt, b := range building {
		c.types.LoadOrStore(bt, b)
	}
	return ti
}

// flatten adds to into's runs and fills the parts of the value of type ti
// at off, path being its path in into's value.
func (ti *tinfo) flatten(into *tinfo, off uintptr, path string) {
	switch ti.k {
	case kPlain:
		if ti.size > 0 {
			plainRun(into, off, ti.size)
		}
	case kStruct:
		// The plain fields and the others in the order of their
		// offsets, as declared.
		t := ti.t
		fi := 0
		for i := range t.NumField() {
			f := t.Field(i)
			if fi < len(ti.fields) && ti.fields[fi].name == f.Name && ti.fields[fi].off == f.Offset {
				if !ti.fields[fi].zero {
					ti.fields[fi].ti.flatten(into, off+f.Offset, path+"."+f.Name)
				} else {
					into.zeroParts = true
				}
				fi++
				continue
			}
			if f.Type.Size() > 0 {
				plainRun(into, off+f.Offset, f.Type.Size())
			}
		}
	case kArray:
		if ti.n*max(1, ti.elem.parts()) > flatOps {
			into.fills = append(into.fills, op{off: off, ti: ti, path: path})
			return
		}
		for i := range ti.n {
			ti.elem.flatten(into, off+uintptr(i)*ti.elem.size, path+"["+strconv.Itoa(i)+"]")
		}
	default:
		into.fills = append(into.fills, op{off: off, ti: ti, path: path})
	}
}

// plainRun adds n bytes at off to into's runs.
func plainRun(into *tinfo, off, n uintptr) {
	if k := len(into.runs); k > 0 && into.runs[k-1].off+into.runs[k-1].n == off {
		into.runs[k-1].n += n
		return
	}
	into.runs = append(into.runs, byteRun{off: off, n: n})
}

// parts is how many ops a value of ti's type flattens to (a struct's or
// array's parts, one for anything else but plain data).
func (ti *tinfo) parts() int {
	switch ti.k {
	case kPlain:
		return 0
	case kStruct:
		n := 0
		for _, f := range ti.fields {
			if !f.zero {
				n += f.ti.parts()
			}
		}
		return n
	case kArray:
		if n := ti.n * ti.elem.parts(); n <= flatOps {
			return n
		}
	}
	return 1
}

// walked reports whether a part of type ti may reach objects to copy.
func (ti *tinfo) walked() bool {
	switch ti.k {
	case kPtr:
		return ti.custom != nil || !ti.shareElem
	case kSlice:
		return ti.elem.size > 0
	case kMap:
		return !ti.mapPlain
	case kIface, kRefuse, kArray:
		return true
	}
	return false
}

func (c *Copier) build(t reflect.Type, building map[reflect.Type]*tinfo) *tinfo {
	if ti, ok := c.types.Load(t); ok {
		return ti.(*tinfo)
	}
	if ti, ok := building[t]; ok {
		return ti
	}
	ti := &tinfo{t: t, size: t.Size(), sliceOf: reflect.SliceOf(t), id: c.ntypes}
	c.ntypes++
	building[t] = ti
	switch {
	case c.cfg.Share(t):
		ti.k = kShare
		return ti
	case c.cfg.Custom[t] != nil && t.Kind() != reflect.Pointer:
		ti.k, ti.custom = kCustom, c.cfg.Custom[t]
		return ti
	}
	switch t.Kind() {
	case reflect.String:
		ti.k = kString
	case reflect.Pointer:
		ti.k = kPtr
		ti.custom = c.cfg.Custom[t]
		if ti.custom == nil {
			ti.shareElem = c.cfg.Share(t.Elem()) || t.Elem().Size() == 0
			ti.elem = c.build(t.Elem(), building)
		}
	case reflect.Slice:
		ti.k = kSlice
		ti.elem = c.build(t.Elem(), building)
	case reflect.Array:
		ti.k, ti.n = kArray, t.Len()
		ti.elem = c.build(t.Elem(), building)
		if ti.elem.k == kPlain || ti.n == 0 {
			ti.k = kPlain
		}
	case reflect.Struct:
		ti.k = kStruct
		zero := map[string]bool{}
		for _, n := range c.cfg.Zero[t] {
			zero[n] = true
		}
		for i := range t.NumField() {
			f := t.Field(i)
			fi := finfo{off: f.Offset, name: f.Name, zero: zero[f.Name]}
			if !fi.zero {
				fi.ti = c.build(f.Type, building)
				if fi.ti.k == kPlain {
					continue
				}
			}
			ti.fields = append(ti.fields, fi)
		}
		if len(ti.fields) == 0 {
			ti.k = kPlain
		}
	case reflect.Interface:
		ti.k = kIface
	case reflect.Map:
		ti.k = kMap
		ti.key = c.build(t.Key(), building)
		ti.val = c.build(t.Elem(), building)
		ti.mapPlain = byValue(ti.key) && (byValue(ti.val) || copiedAsIs(ti.val))
		if t.Elem().Kind() == reflect.Pointer && (ti.key.k == kPlain || ti.key.k == kString) {
			// A key copied as it is (not shared, not by a function of
			// its own).
			ti.ptrMap = ptrMapFor(t.Key().Kind())
		}
		z := reflect.Zero(t).Interface()
		ti.mapType = (*eface)(unsafe.Pointer(&z)).typ
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		ti.k = kRefuse
	default:
		ti.k = kPlain
	}
	return ti
}

// mapValue returns the map m of ti's type (a map type) as a
// reflect.Value: the interface holding it made from its type word and m,
// a map being held in the interface's data word. reflect.NewAt would look
// up the map's pointer type in a process-wide table at each call.
func (ti *tinfo) mapValue(m unsafe.Pointer) reflect.Value {
	var i any
	e := (*eface)(unsafe.Pointer(&i))
	e.typ, e.data = ti.mapType, m
	return reflect.ValueOf(i)
}

// copiedAsIs reports whether a part of type ti holds a shared value (a
// value of a shared type, a pointer to one), which a copy holds as it
// is: a map of such values by a plain key is cloned whole.
func copiedAsIs(ti *tinfo) bool {
	return ti.k == kShare || ti.k == kPtr && ti.custom == nil && ti.shareElem
}

// byValue reports whether a value of ti's type copies as it is: numbers,
// booleans and strings, in structs and arrays.
func byValue(ti *tinfo) bool {
	switch ti.k {
	case kPlain, kString:
		return true
	case kStruct:
		for _, f := range ti.fields {
			if f.zero || !byValue(f.ti) {
				return false
			}
		}
		return true
	case kArray:
		return byValue(ti.elem)
	}
	return false
}

// pathError is a refusal with the path from the root to the value.
type pathError struct {
	path string
	msg  string
}

func (e *pathError) Error() string { return fmt.Sprintf("worldcopy: %s: %s", e.path, e.msg) }

// at prefixes err's path with step.
func at(err error, step string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = step + pe.path
		return pe
	}
	return err
}

// eface is the layout of an interface value: its type or itab word, and
// its data word.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}
