package member

import (
	"cmp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestSortFieldsByType: the insertion sort orders fields as
// slices.SortStableFunc by type does, equal types kept in their order.
func TestSortFieldsByType(t *testing.T) {
	f := func(typ spec.FieldType, tag byte) devctx.Field { return devctx.Field{Type: typ, Value: []byte{tag}} }
	cases := [][]devctx.Field{
		nil,
		{f(3, 0)},
		{f(1, 0), f(2, 0), f(3, 0), f(10, 0), f(9, 0)},
		{f(9, 0), f(1, 0), f(9, 1), f(1, 1), f(5, 0), f(9, 2)},
		{f(10, 0), f(8, 0), f(6, 0), f(4, 0), f(2, 0), f(2, 1)},
	}
	for i, fs := range cases {
		want := slices.Clone(fs)
		slices.SortStableFunc(want, func(a, b devctx.Field) int { return cmp.Compare(a.Type, b.Type) })
		got := slices.Clone(fs)
		sortFieldsByType(got)
		assert.Equal(t, want, got, "case %d", i)
	}
}
