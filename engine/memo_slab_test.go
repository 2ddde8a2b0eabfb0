package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// take hands out zeroed slices of exactly the length asked, which an
// append cannot grow into their neighbours, from chunks whose length
// doubles from slabFirst to slabMost; a request longer than that gets a
// chunk of its own length.
func TestSlab_Take(t *testing.T) {
	cases := []struct {
		name  string
		next  int   // the slab's next before the takes
		takes []int // the lengths asked
		left  []int // len(free) after each take
		after int   // next after the takes
	}{
		{"one chunk", 0, []int{1, 2, 3}, []int{15, 13, 10}, slabFirst},
		{"a full chunk, then a doubled one", 0, []int{slabFirst, 1}, []int{0, 2*slabFirst - 1}, 2 * slabFirst},
		{"no room left", 0, []int{slabFirst - 1, 2}, []int{1, 2*slabFirst - 2}, 2 * slabFirst},
		{"doubles", slabMost / 4, []int{1}, []int{slabMost/2 - 1}, slabMost / 2},
		{"at most slabMost", slabMost, []int{1}, []int{slabMost - 1}, slabMost},
		{"longer than a chunk", 0, []int{1, 3 * slabMost, 1}, []int{slabFirst - 1, 0, 4*slabFirst - 1}, 4 * slabFirst},
		{"nothing", 0, []int{0}, []int{0}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := slab[int]{next: c.next}
			var got [][]int
			for i, n := range c.takes {
				p := s.take(n)
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
