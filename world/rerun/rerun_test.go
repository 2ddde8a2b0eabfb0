package rerun

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
)

// mem is a guest memory of 16 bytes; writes counts the writes it took.
type mem struct {
	b      [16]byte
	writes int
}

func (m *mem) ReadMem(_ pcie.RID, addr uint64, buf []byte) error {
	if addr+uint64(len(buf)) > uint64(len(m.b)) {
		return errors.New("out of range")
	}
	copy(buf, m.b[addr:])
	return nil
}

func (m *mem) WriteMem(_ pcie.RID, addr uint64, data []byte) error {
	m.writes++
	copy(m.b[addr:], data)
	return nil
}

// world is what the toy actor's code reaches: its yields (answered with
// the number of the yield), its memory and a clock.
type world struct {
	mem    mem
	now    uint64
	yields []string
	// stop is the yield at which the world suspends the actor (-1: never).
	stop int
}

// actor is a toy actor's code: it reads memory, yields, sleeps (a clock
// value), writes memory, and skips a span; variant changes what it asks
// for at its third step.
func actor(t *Tape, w *world, variant bool, out *[]string) {
	y := Yield(t, func(label string) []byte {
		w.yields = append(w.yields, label)
		if len(w.yields)-1 == w.stop {
			panic(errSuspended)
		}
		return []byte{byte(len(w.yields))}
	}, func(s string) string { return s })
	p := Port{T: t, Live: &w.mem}
	buf := make([]byte, 2)
	for i := range 3 {
		err := p.ReadMem(0, uint64(i), buf)
		*out = append(*out, fmt.Sprintf("read %x %v", buf, err))
		label := fmt.Sprintf("op%d", i)
		if variant && i == 2 {
			label = "other"
		}
		*out = append(*out, fmt.Sprintf("yield %x", y(label)))
		at := t.Value(CallClock, 10, func() uint64 { w.now += 10; return w.now })
		*out = append(*out, fmt.Sprintf("wake %d", at))
		*out = append(*out, fmt.Sprint(p.WriteMem(0, uint64(i+8), []byte{byte(i)})))
		if i == 1 {
			if t.Forwarding() {
				t.Skip(CallTrapBegin, CallTrapEnd)
			} else {
				t.Add(actorlog.Entry{Call: CallTrapBegin})
				y("inside")
				t.Add(actorlog.Entry{Call: CallTrapEnd})
			}
		}
	}
}

// errSuspended stands for the actor suspending at the world's stop.
var errSuspended = errors.New("suspended")

// TestTape_RebuildsExactly: the toy actor's code, recorded while it runs
// live up to a yield, runs again against its record (Rebuild) to the same
// point with the same values, writing nothing and setting no clock, and a
// code that asks for something else, or stops short, is an error.
func TestTape_RebuildsExactly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stop    int
		variant bool
		drop    int // entries left out of the record (from its end)
		wantErr string
	}{
		{name: "suspended at the first yield", stop: 0},
		{name: "suspended inside the skipped span", stop: 2, wantErr: "past the end of its record"},
		{name: "suspended after the span", stop: 3},
		{name: "ran to its end", stop: -1},
		{name: "asks for another yield", stop: -1, variant: true, wantErr: "where its record holds a yield"},
		{name: "suspends on another yield", stop: 3, variant: true, wantErr: "where its record holds a yield"},
		{name: "record one entry short", stop: -1, drop: 1, wantErr: "past the end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log actorlog.Log
			log.Enable()
			orig := &world{stop: tc.stop}
			orig.mem.b[1] = 0xaa
			var want []string
			func() {
				defer func() {
					if p := recover(); p != nil && p != errSuspended {
						panic(p)
					}
				}()
				actor(New(&log), orig, false, &want)
			}()
			copyLog := log.Share(log.Len() - tc.drop)
			copyWorld := &world{stop: -1, now: orig.now, mem: orig.mem}
			copyWorld.mem.writes = 0
			tp := New(&copyLog)
			var got []string
			err := tp.Rebuild(func() {
				defer func() {
					// The first live yield of a rebuilt actor suspends it.
					if p := recover(); p != nil && p != errSuspended {
						panic(p)
					}
				}()
				copyWorld.stop = len(copyWorld.yields)
				actor(tp, copyWorld, tc.variant, &got)
			})
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want, got, "the rebuilt code received what the original did")
			assert.Zero(t, copyWorld.mem.writes, "no write reached the copy's memory")
			assert.Equal(t, orig.now, copyWorld.now, "no clock was set")
			if tc.stop >= 0 {
				assert.Equal(t, []string{orig.yields[tc.stop]}, copyWorld.yields, "the rebuilt code suspends on the original's pending yield")
			} else {
				assert.Empty(t, copyWorld.yields)
			}
			assert.False(t, tp.Forwarding())
		})
	}
}

// TestWriteArg_Zeroes: a write of zeroes digests apart from one of the
// same length with any byte set (the first, the last, one past a 4 KiB
// page), from one of another length, address or requester, and a rebuild
// whose code writes other data where its record holds zeroes is refused.
func TestWriteArg_Zeroes(t *testing.T) {
	zero := func(n int) []byte { return make([]byte, n) }
	set := func(n, i int) []byte { b := zero(n); b[i] = 1; return b }
	type write struct {
		rid  pcie.RID
		addr uint64
		data []byte
	}
	writes := []write{
		{0, 0, zero(0)}, {0, 0, zero(8)}, {0, 0, zero(63)}, {0, 0, zero(64)}, {0, 0, zero(4096)}, {0, 0, zero(6000)},
		{1, 0, zero(4096)}, {0, 0x1000, zero(4096)}, {0, 0, zero(4095)},
		{0, 0, set(64, 0)}, {0, 0, set(64, 63)}, {0, 0, set(4096, 4095)}, {0, 0, set(6000, 4096)}, {0, 0, set(6000, 5999)},
	}
	seen := map[uint64]int{}
	for i, w := range writes {
		arg := writeArg(w.rid, w.addr, w.data)
		j, dup := seen[arg]
		require.False(t, dup, "writes %d and %d digest alike", i, j)
		seen[arg] = i
		assert.Equal(t, arg, writeArg(w.rid, w.addr, append([]byte(nil), w.data...)), "write %d digests the same again", i)
	}

	var log actorlog.Log
	log.Enable()
	var m mem
	live := func(tp *Tape, data []byte) error { return Port{T: tp, Live: &m}.WriteMem(0, 0, data) }
	require.NoError(t, live(New(&log), zero(4096)))
	for i, data := range [][]byte{set(4096, 0), set(4096, 4095), zero(4095)} {
		tp := New(&log)
		err := tp.Rebuild(func() { _ = live(tp, data) })
		require.Error(t, err, "rebuild %d writes other data than the record's zeroes", i)
	}
	tp := New(&log)
	require.NoError(t, tp.Rebuild(func() { require.NoError(t, live(tp, zero(4096))) }))
	assert.Equal(t, 1, m.writes, "a rebuild writes nothing")
}
