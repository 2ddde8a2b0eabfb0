package deephash

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCache_SharedByConcurrentHashers: hashers of one Cache, run at once
// (the explore jobs' worlds do), share its compiled functions, type flags
// and interface hashers and give what the reflective walk gives, while an
// interface field switches between types. Run it with -race.
func TestCache_SharedByConcurrentHashers(t *testing.T) {
	c := NewCache(nil)
	held := []any{&leaf{n: 1}, &padded{a: 1}, padded{a: 2}, (*leaf)(nil), nil, &ringNode{v: 3}}
	want := make([]uint64, len(held))
	for i, p := range held {
		w := wideValue(5)
		w.anyP = p
		ref := Hasher{Reflective: true}
		want[i] = ref.Hash(w)
	}
	var wg sync.WaitGroup
	got := make([][]uint64, 4)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := c.Hasher()
			for n := range 200 {
				i := (n + g) % len(held)
				w := wideValue(5)
				w.anyP = held[i]
				if v := h.Hash(w); v != want[i] {
					got[g] = append(got[g], uint64(i))
				}
			}
		}()
	}
	wg.Wait()
	for g := range got {
		assert.Empty(t, got[g], "hasher %d: values whose hash differs from the walk's", g)
	}
}
