package worldcopy

import (
	"reflect"
	"unsafe"
)

// Census is what a copy of a graph would copy, per type of object (the
// element type of a slice's array): how many objects and how many bytes
// (arrays by their capacity; maps count one object of no bytes, and
// their entries as they are walked).
type Census map[reflect.Type]struct{ Objects, Bytes int }

// Count walks the graph from root as Copy would and counts what it
// would copy, without copying it.
func Count[T any](c *Copier, root *T) (Census, error) {
	ti := c.info(reflect.TypeOf(root))
	r := newRun(c)
	if err := r.walkOne(unsafe.Pointer(&root), ti); err != nil {
		return nil, err
	}
	out := Census{}
	for _, rec := range r.recs {
		t := rec.ti.t
		if rec.own {
			t = t.Elem()
		}
		e := out[t]
		e.Objects++
		e.Bytes += int(rec.extent)
		out[t] = e
	}
	return out, nil
}

// Bytes is the bytes of every type the census counts.
func (c Census) Bytes() int64 {
	var n int64
	for _, e := range c {
		n += int64(e.Bytes)
	}
	return n
}
