package slab

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Take hands out zeroed slices of exactly the length asked, which an
// append cannot grow into their neighbours, from chunks whose length
// doubles from First to Most; a request longer than that gets a
// chunk of its own length.
func TestSlab_Take(t *testing.T) {
	cases := []struct {
		name  string
		next  int   // the slab's next before the takes
		takes []int // the lengths asked
		left  []int // len(free) after each take
		after int   // next after the takes
	}{
		{"one chunk", 0, []int{1, 2, 3}, []int{15, 13, 10}, First},
		{"a full chunk, then a doubled one", 0, []int{First, 1}, []int{0, 2*First - 1}, 2 * First},
		{"no room left", 0, []int{First - 1, 2}, []int{1, 2*First - 2}, 2 * First},
		{"doubles", Most / 4, []int{1}, []int{Most/2 - 1}, Most / 2},
		{"at most Most", Most, []int{1}, []int{Most - 1}, Most},
		{"longer than a chunk", 0, []int{1, 3 * Most, 1}, []int{First - 1, 0, 4*First - 1}, 4 * First},
		{"nothing", 0, []int{0}, []int{0}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Slab[int]{next: c.next}
			var got [][]int
			for i, n := range c.takes {
				p := s.Take(n)
				assert.Len(t, p, n)
				assert.Equal(t, n, cap(p), "take %d: no room to append", i)
				for j := range p {
					assert.Zero(t, p[j])
					p[j] = i + 1
				}
				assert.Len(t, s.free, c.left[i], "after take %d", i)
				got = append(got, p)
			}
			for i, p := range got {
				for _, v := range p {
					assert.Equal(t, i+1, v, "take %d keeps its values", i)
				}
			}
			assert.Equal(t, c.after, s.next)
		})
	}
}
