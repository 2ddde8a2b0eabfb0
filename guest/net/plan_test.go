package net

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/guest"
)

// listedSlots is the plain model of slots: every free slot listed, the
// next to take last (the lowest address first, a returned slot before any
// other).
type listedSlots struct{ free []uint64 }

func newListedSlots(r guest.Region, size uint64) *listedSlots {
	s := &listedSlots{}
	for i := r.Size / size; i > 0; i-- {
		s.free = append(s.free, r.Base+(i-1)*size)
	}
	return s
}

func (s *listedSlots) get() (uint64, bool) {
	if len(s.free) == 0 {
		return 0, false
	}
	a := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	return a, true
}

// TestSlots_SameAsAFreeList: slots hands out the same addresses as a free
// list of every slot would, over random sequences of takes and returns,
// up to and past exhaustion.
func TestSlots_SameAsAFreeList(t *testing.T) {
	for _, tc := range []struct {
		name       string
		r          guest.Region
		size       uint64
		getPercent int
	}{
		{"mostly takes, runs out", guest.Region{Base: 0x1000, Size: 16 * 64}, 64, 70},
		{"balanced", guest.Region{Base: 0x100_0000, Size: 0x10000}, 2048, 50},
		{"a partial last slot is not handed out", guest.Region{Base: 0, Size: 5*100 + 99}, 100, 80},
		{"an empty region", guest.Region{Base: 0x4000, Size: 10}, 64, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tc.getPercent)))
			got, want := newSlots(tc.r, tc.size), newListedSlots(tc.r, tc.size)
			var held []uint64
			for i := 0; i < 2000; i++ {
				if len(held) == 0 || rng.IntN(100) < tc.getPercent {
					a, ok := got.get()
					wa, wok := want.get()
					require.Equal(t, wok, ok, "take %d", i)
					require.Equal(t, wa, a, "take %d", i)
					if ok {
						held = append(held, a)
					}
					continue
				}
				j := rng.IntN(len(held))
				a := held[j]
				held = append(held[:j], held[j+1:]...)
				got.put(a)
				want.free = append(want.free, a)
			}
			assert.LessOrEqual(t, uint64(len(held)), tc.r.Size/tc.size)
		})
	}
}
