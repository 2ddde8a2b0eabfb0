package worldcopy

import (
	"unsafe"
)

// A struct whose flattened parts are many byte runs and parts copied as
// they are (strings, shared values) is filled whole: its bytes copied at
// once with the write barriers its pointers need (the runtime's
// typedmemmove, which a Go assignment of the struct calls), then only the
// parts that differ in the copy written again (patches: pointers,
// slices, interfaces, maps and the values with a copier of their own),
// instead of a copy per byte run and per string. A struct with a field
// declared zero anywhere in its flattening, or a long array among its
// parts (whose elements fill themselves), is filled part by part.
//
// Both runtime functions are linked by name; runtime/mbarrier.go keeps
// them for packages outside the runtime and says their signatures do not
// change, so, unlike the map functions (maps_runtime.go), they are linked
// under every Go release.

// minWholeParts is how many parts a whole copy must spare (byte runs,
// strings, shared values) for it to cost less than the copy of each:
// the runtime's copy costs about two of them.
const minWholeParts = 3

// typedmemmove copies the value of type typ (a type word) at src to dst,
// with the write barriers its pointers need.
//
//go:linkname typedmemmove runtime.typedmemmove
func typedmemmove(typ, dst, src unsafe.Pointer)

// typedslicecopy copies min(dstLen, srcLen) elements of type typ (a type
// word) from src to dst, with the write barriers their pointers need.
//
//go:linkname typedslicecopy runtime.typedslicecopy
func typedslicecopy(typ, dst unsafe.Pointer, dstLen int, src unsafe.Pointer, srcLen int) int

// planWhole decides whether values of ti's type are filled whole and
// lists their patches (ti's runs and fills are flattened; zeroParts says
// whether the flattening left a field zero).
func (ti *tinfo) planWhole(zeroParts bool) {
	ti.whole, ti.patches = false, nil
	if ti.k != kStruct || zeroParts {
		return
	}
	spared := len(ti.runs)
	var patches []op
	for _, o := range ti.fills {
		switch {
		case o.ti.k == kArray:
			return
		case o.ti.k == kString, o.ti.k == kShare, o.ti.k == kPtr && o.ti.shareElem:
			spared++
		default:
			patches = append(patches, o)
		}
	}
	if spared < minWholeParts {
		return
	}
	ti.whole, ti.patches = true, patches
	ti.typ = (*eface)(unsafe.Pointer(&ti.t)).data
}

// copyWhole copies the n values of ti's type at src to dst as they are.
func (ti *tinfo) copyWhole(dst, src unsafe.Pointer, n int) {
	if n == 1 {
		typedmemmove(ti.typ, dst, src)
		return
	}
	typedslicecopy(ti.typ, dst, n, src, n)
}
