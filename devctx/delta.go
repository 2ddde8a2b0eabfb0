package devctx

import (
	"bytes"
	"slices"

	"github.com/migsim/migsim/spec"
)

// Incremental reads (draft-2023, read=incremental-clear) return only the
// fields that changed since the previous read. Delta computes such a read
// from two full contexts; Merge applies it. Both work at field granularity
// and identify a field by its type: a context is expected to hold each type
// once (for a repeated type, the first occurrence counts). A removed field
// cannot be expressed by a delta.
//
// Canonical order: fields sorted by type, ascending (Canonical). Merge
// returns canonical order, so Merge(before, Delta(before, after)) == after
// for every canonical after whose types include those of before.

// Canonical returns a copy of c with its fields sorted by type (stable, so
// repeated types keep their relative order). Values are shared, not copied.
func Canonical(c DraftContext) DraftContext {
	fs := slices.Clone(c.Fields)
	sortByType(fs)
	return DraftContext{Fields: fs}
}

// sortByType sorts fs by type in place, stably.
func sortByType(fs []Field) {
	slices.SortStableFunc(fs, func(a, b Field) int {
		switch {
		case a.Type < b.Type:
			return -1
		case a.Type > b.Type:
			return 1
		}
		return 0
	})
}

// Delta returns the fields of after whose type is absent from before or
// whose value differs from before's field of that type, in after's order.
// Values are shared with after.
func Delta(before, after DraftContext) DraftContext {
	prev := make(map[uint32][]byte, len(before.Fields))
	for _, f := range before.Fields {
		if _, ok := prev[uint32(f.Type)]; !ok {
			prev[uint32(f.Type)] = f.Value
		}
	}
	var d DraftContext
	for _, f := range after.Fields {
		v, ok := prev[uint32(f.Type)]
		if !ok || !bytes.Equal(v, f.Value) {
			d.Fields = append(d.Fields, f)
		}
	}
	return d
}

// Merge returns base with every field of delta applied: a field of a type
// base holds replaces base's first field of that type, a field of a new type
// is added. The result is in canonical order (by type). Values are shared
// with the inputs.
func Merge(base, delta DraftContext) DraftContext {
	if len(base.Fields)+len(delta.Fields) == 0 {
		return DraftContext{}
	}
	out := make([]Field, len(base.Fields), len(base.Fields)+len(delta.Fields))
	copy(out, base.Fields)
	if len(out)*len(delta.Fields) > mergeScanMax*mergeScanMax {
		out = mergeIndexed(out, delta.Fields)
	} else {
		for _, f := range delta.Fields {
			if i := slices.IndexFunc(out, func(g Field) bool { return g.Type == f.Type }); i >= 0 {
				out[i] = f
			} else {
				out = append(out, f)
			}
		}
	}
	sortByType(out)
	return DraftContext{Fields: out}
}

// mergeScanMax bounds the merges whose fields are found by scanning (at
// most mergeScanMax² comparisons); larger ones index the types.
const mergeScanMax = 32

// mergeIndexed applies delta to out as Merge does, finding each type's
// first field through an index.
func mergeIndexed(out, delta []Field) []Field {
	at := make(map[spec.FieldType]int, len(out)+len(delta))
	for i, f := range out {
		if _, ok := at[f.Type]; !ok {
			at[f.Type] = i
		}
	}
	for _, f := range delta {
		if i, ok := at[f.Type]; ok {
			out[i] = f
			continue
		}
		at[f.Type] = len(out)
		out = append(out, f)
	}
	return out
}
