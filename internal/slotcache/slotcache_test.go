package slotcache

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type key struct {
	name string
	n    int
}

// A slot answers only for the key it holds; the last Put wins; other
// slots are untouched.
func TestTable_GetPut(t *testing.T) {
	tb := New[key, string](4)
	require.Equal(t, 4, tb.Len())
	for _, tc := range []struct {
		name   string
		put    bool
		slot   uint64
		k      key
		v      string
		getK   key
		wantV  string
		wantOK bool
	}{
		{name: "empty slot", slot: 1, getK: key{"a", 1}},
		{name: "stored", put: true, slot: 1, k: key{"a", 1}, v: "A1", getK: key{"a", 1}, wantV: "A1", wantOK: true},
		{name: "another key in the slot", slot: 1, getK: key{"a", 2}},
		{name: "replaced", put: true, slot: 1, k: key{"b", 1}, v: "B1", getK: key{"b", 1}, wantV: "B1", wantOK: true},
		{name: "replaced key gone", slot: 1, getK: key{"a", 1}},
		{name: "other slot empty", slot: 2, getK: key{"b", 1}},
		{name: "zero key stored", put: true, slot: 3, v: "zero", wantV: "zero", wantOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.put {
				tb.Put(tc.slot, tc.k, tc.v)
			}
			v, ok := tb.Get(tc.slot, tc.getK)
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.wantV, v)
		})
	}
	assert.Panics(t, func() { New[key, string](0) })
}

// Goroutines storing and reading the same slots never see a value for
// another key (run under the race detector by CI's race lane through the
// label and footprint caches' concurrent tests, and here directly).
func TestTable_Concurrent(t *testing.T) {
	tb := New[key, string](8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := key{"k", (i + g) % 50}
				slot := uint64(k.n % 8)
				if v, ok := tb.Get(slot, k); ok {
					if v != fmt.Sprint(k.n) {
						t.Errorf("slot %d gave %q for key %d", slot, v, k.n)
						return
					}
					continue
				}
				tb.Put(slot, k, fmt.Sprint(k.n))
			}
		}()
	}
	wg.Wait()
}
