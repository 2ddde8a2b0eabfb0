package stream

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Drawing more workload numbers never changes the schedule stream, and
// streams of different ids or seeds differ.
func TestStreams_Independent(t *testing.T) {
	a, b := NewSet(5), NewSet(5)
	for range 100 {
		b.Workload.Uint64()
	}
	s1, s2 := New(5, Schedule), New(5, Schedule)
	for range 10 {
		assert.Equal(t, s1.Uint64(), s2.Uint64())
	}
	assert.Equal(t, a.Fault.Uint64(), b.Fault.Uint64(), "fault stream moved with workload draws")
	x := []uint64{New(5, Schedule).Uint64(), New(5, Workload).Uint64(),
		New(5, Fault).Uint64(), New(6, Schedule).Uint64()}
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			assert.NotEqual(t, x[i], x[j], "streams %d and %d", i, j)
		}
	}
	assert.NotEqual(t, ScheduleSeed(1, 0), ScheduleSeed(1, 1))
	assert.NotEqual(t, ScheduleSeed(1, 0), ScheduleSeed(2, 0))
	assert.Equal(t, "workload", Workload.String())
}

// drawLog keeps what a recording drew.
type drawLog struct {
	ids []ID
	vs  []uint64
}

func (l *drawLog) Drew(id ID, v uint64) { l.ids, l.vs = append(l.ids, id), append(l.vs, v) }

// A recording draws what NewSet draws and tells every word, run after run,
// and a walk reproduces the words without the streams.
func TestRecording_DrawsAsNewSetAndWalkReproduces(t *testing.T) {
	var r Recording
	var log drawLog
	for _, seed := range []uint64{3, 9} {
		log = drawLog{ids: log.ids[:0], vs: log.vs[:0]}
		got, want := r.Set(seed, &log), NewSet(seed)
		assert.Equal(t, seed, got.Seed)
		assert.Equal(t, want.Workload.Uint64(), got.Workload.Uint64())
		assert.Equal(t, want.Fault.Uint64(), got.Fault.Uint64())
		assert.Equal(t, want.Workload.Uint64(), got.Workload.Uint64())
		assert.Equal(t, []ID{Workload, Fault, Workload}, log.ids)
		var w Walk
		w.Reset(seed)
		for i, id := range log.ids {
			v, ok := w.Next(id)
			assert.True(t, ok)
			assert.Equal(t, log.vs[i], v, "seed %d draw %d", seed, i)
		}
	}
	var w Walk
	_, ok := w.Next(Schedule)
	assert.False(t, ok, "the schedule stream is the strategy's")
}
