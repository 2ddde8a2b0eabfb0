package visited

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkFill measures the memory a full table takes: DefaultCap
// visits of as many states, each with a sleep set of sleep keys, or
// DefaultCap known transitions, and reports the live heap they hold per
// entry (bytes/entry; runtime.MemStats after a collection, before and
// after). docs/engine.md ("Exploring") and --state-cap's help quote it.
// Run it with -benchtime 1x: one fill is the measurement.
func BenchmarkFill(b *testing.B) {
	for _, sleep := range []int{0, 1, 2} {
		b.Run(fmt.Sprintf("visits-sleep-%d", sleep), func(b *testing.B) {
			for range b.N {
				b.ReportMetric(liveBytes(func() any {
					tb := NewTable(DefaultCap)
					for i := range DefaultCap {
						var s []uint64
						if sleep > 0 {
							s = make([]uint64, sleep)
							for j := range s {
								s[j] = uint64(i*sleep + j)
							}
						}
						tb.Add(Key{Hash: uint64(i) * 0x9e3779b97f4a7c15, Judge: uint64(i)}, Visit{Remaining: 1, Prev: 2, Sleep: s})
					}
					return &tb
				})/DefaultCap, "bytes/entry")
			}
		})
	}
	b.Run("transitions", func(b *testing.B) {
		for range b.N {
			b.ReportMetric(liveBytes(func() any {
				tr := NewTransitions(DefaultCap)
				for i := range DefaultCap {
					k := Key{Hash: uint64(i) * 0x9e3779b97f4a7c15, Judge: uint64(i)}
					tr.Learn(k, uint64(i%7), Transition{Child: Key{Hash: uint64(i + 1)}, PrevOn: true})
				}
				return &tr
			})/DefaultCap, "bytes/entry")
		}
	})
}

// liveBytes returns the live heap that what fill returns holds.
func liveBytes(fill func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}
