package worldcopy

import "unsafe"

// The map primitives a copy uses, in one of two files by the Go release
// that builds the package:
//
//   - maps_runtime.go (Go 1.24 to 1.26, the releases it was checked
//     against): the Go runtime's own map functions in place of package
//     reflect's, which cost several times the map operation they wrap (a
//     reflect.Value per entry, its assignability checked at every
//     SetMapIndex): a copy makes a dozen maps, half of them empty, and
//     most of the rest hold a few entries (docs/engine.md, "Copying the
//     world's data"). It reaches them by //go:linkname and reads a map
//     of pointers as a map of unsafe.Pointer values, which a later
//     release may break: a symbol dropped fails the link, a layout
//     changed would copy wrongly without a sign.
//   - maps_reflect.go (any other release, or the build tag
//     worldcopy_reflect): the same functions through package reflect
//     alone, and no compiled loop (ptrMapFor returns nil), so that the
//     package builds and copies correctly on a release nobody checked,
//     only slower. CI runs the package's tests under the tag.
//
// Both define makemapSmall, makemap, mapassign, tinfo.cloneMap, ptrMapFor
// and compiledMapLoops with the same signatures.

// ptrMap copies and walks the maps of one shape: a key of a basic kind
// (an integer or a string) and a pointer value, which most maps the world
// holds are (a driver's buffers and queues by index, a host's members).
// A map's layout and its key's hash function are its key's and value's
// sizes and kinds: a map[uint16]*T is, in memory, a map[uint16]
// unsafe.Pointer, so that one compiled range loop and one map assignment
// per entry (instead of package reflect's iterator and SetMapIndex) serve
// every such map of one key kind (ptrMapFor).
type ptrMap struct {
	// fill returns a new map holding m's entries, each value translated
	// into the copy (nil and shared values as they are), as fillPart
	// copies a pointer.
	fill func(r *run, m unsafe.Pointer, share bool) unsafe.Pointer
	// walk notes what m's values reach, through the temporary t of the
	// value's type; on the first error it returns the key of its entry.
	walk func(r *run, m unsafe.Pointer, val *tinfo, t *tempVar) (any, error)
}
