package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// SliceLinesOf keeps the lines of the slice's steps (numbered as shown,
// from 1), each clock jump before a kept step once, under the summary.
func TestSliceLinesOf(t *testing.T) {
	text := "1 t=0s a a:one\n- t=1ms clock\n2 t=1ms b b:two\n3 t=1ms a a:three\n- t=2ms clock\n4 t=2ms b b:four\n"
	for _, tc := range []struct {
		name  string
		slice []int
		want  string
	}{
		{name: "no finding", want: "slice: no finding, nothing to slice\n"},
		{name: "before the first step", slice: []int{}, want: "slice: S\n"},
		{name: "after a clock jump", slice: []int{1, 3}, want: "slice: S\n- t=1ms clock\n2 t=1ms b b:two\n- t=2ms clock\n4 t=2ms b b:four\n"},
		{name: "the jump once", slice: []int{1, 2}, want: "slice: S\n- t=1ms clock\n2 t=1ms b b:two\n3 t=1ms a a:three\n"},
		{name: "first step", slice: []int{0}, want: "slice: S\n1 t=0s a a:one\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, SliceLinesOf(text, tc.slice, "S"))
		})
	}
}
