package extdevice

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The memPipe parses nothing (it moves bytes): it has no fuzz target; the
// line reader above it has (readline_fuzz_test.go).

// short is a deadline that passes while a test waits on it; long bounds a
// wait that must end for another reason (a close, bytes, room).
const (
	short = 20 * time.Millisecond
	long  = 10 * time.Second
)

// TestMemPipe_Order: what is written is read in order, whatever the sizes
// of the writes and reads, up to the pipe's size without a reader waiting
// and beyond it with one.
func TestMemPipe_Order(t *testing.T) {
	for _, tc := range []struct {
		name         string
		writes       []int // sizes
		readSize     int
		concurrently bool // read while writing (more than the pipe holds)
	}{
		{"one line", []int{40}, 4096, false},
		{"many small writes, one read", []int{1, 2, 3, 100, 7}, 4096, false},
		{"reads smaller than writes", []int{1000, 3000}, 7, false},
		{"exactly the pipe's size", []int{pipeSize}, 4096, false},
		{"held bytes moved to the front", []int{pipeSize - 10, 5, 20, pipeSize / 2}, 1000, true},
		{"a write larger than the pipe", []int{3*pipeSize + 17}, 999, true},
		{"many lines, more than the pipe holds", repeat(200, 1500), MaxLine, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := newMemPipe()
			var want bytes.Buffer
			rng := rand.New(rand.NewPCG(1, uint64(len(tc.writes))))
			for _, n := range tc.writes {
				b := make([]byte, n)
				for i := range b {
					b[i] = byte(rng.Uint32())
				}
				want.Write(b)
			}
			write := func() error {
				rest := want.Bytes()
				for _, n := range tc.writes {
					k, err := w.Write(rest[:n])
					if err != nil || k != n {
						return errors.Join(err, errors.New("short write"))
					}
					rest = rest[n:]
				}
				return w.Close()
			}
			done := make(chan error, 1)
			if tc.concurrently {
				go func() { done <- write() }()
			} else {
				done <- write() // fits: returns without a reader
			}
			got, err := readAllBy(r, tc.readSize)
			require.NoError(t, err)
			require.NoError(t, <-done)
			assert.True(t, bytes.Equal(want.Bytes(), got), "read %d bytes of %d, in order", len(got), want.Len())
		})
	}
}

func repeat(n, size int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = size
	}
	return s
}

// readAllBy reads r to its end, size bytes at most at a time.
func readAllBy(r io.Reader, size int) ([]byte, error) {
	var out []byte
	b := make([]byte, size)
	for {
		n, err := r.Read(b)
		out = append(out, b[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// TestMemPipe_FullBlocksWriter: a write waits while the pipe is full (its
// deadline passes: nothing of it is held) and goes on when a read makes
// room.
func TestMemPipe_FullBlocksWriter(t *testing.T) {
	r, w := newMemPipe()
	n, err := w.Write(make([]byte, pipeSize))
	require.NoError(t, err, "the pipe's size fits without a reader")
	require.Equal(t, pipeSize, n)

	require.NoError(t, w.SetWriteDeadline(time.Now().Add(short)))
	n, err = w.Write([]byte("x"))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "full: the write waits until its deadline")
	assert.Zero(t, n)

	require.NoError(t, w.SetWriteDeadline(time.Now().Add(short)))
	n, err = w.Write(make([]byte, 10))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	assert.Zero(t, n)

	// A write waiting for room goes on as reads make it.
	require.NoError(t, w.SetWriteDeadline(time.Time{}))
	done := make(chan error, 1)
	go func() {
		n, err := w.Write(bytes.Repeat([]byte("y"), 100))
		if err == nil && n != 100 {
			err = errors.New("short write")
		}
		done <- err
	}()
	b := make([]byte, 30)
	for range 4 { // room for 120 bytes, a few at a time
		k, err := r.Read(b)
		require.NoError(t, err)
		require.Equal(t, 30, k)
	}
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(long):
		t.Fatal("the write did not go on once there was room")
	}
	require.NoError(t, w.Close())
	got, err := readAllBy(r, 4096)
	require.NoError(t, err)
	assert.Equal(t, pipeSize-120, len(got)-100)
	assert.Equal(t, bytes.Repeat([]byte("y"), 100), got[len(got)-100:], "the waiting write's bytes come last")
}

// TestMemPipe_Close: closing either end ends what the other end does, as
// an OS pipe's ends do, and an end's own use after its Close fails;
// reads and writes that wait are woken.
func TestMemPipe_Close(t *testing.T) {
	full := func(_ *pipeReader, w *pipeWriter) {
		_, err := w.Write(make([]byte, pipeSize))
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name string
		// setup runs first, then op in a goroutine (it may wait), then
		// closeEnd; op's result must be want (wantN bytes). An op that
		// does not wait (a write with room for it) runs after closeEnd
		// (closedFirst): run beside it, it may finish before the close.
		setup       func(r *pipeReader, w *pipeWriter)
		op          func(r *pipeReader, w *pipeWriter) (int, error)
		closeEnd    func(r *pipeReader, w *pipeWriter) error
		wantN       int
		want        error
		closedFirst bool
	}{
		{"writer closed: a waiting read ends with EOF", nil, read(10), closeWriter, 0, io.EOF, false},
		{"writer closed: held bytes are read first", write("abc"), read(10), closeWriter, 3, nil, false},
		{"reader closed: a write fails (broken pipe)", nil, write1("x"), closeReader, 0, io.ErrClosedPipe, true},
		{"reader closed: a write waiting for room fails", full, write1("xyz"), closeReader, 0, io.ErrClosedPipe, false},
		{"reader closed: its own waiting read fails", nil, read(10), closeReader, 0, io.ErrClosedPipe, false},
		{"writer closed: its own waiting write fails", full, write1("x"), closeWriter, 0, io.ErrClosedPipe, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := newMemPipe()
			if tc.setup != nil {
				tc.setup(r, w)
			}
			type result struct {
				n   int
				err error
			}
			done := make(chan result, 1)
			if tc.closedFirst {
				require.NoError(t, tc.closeEnd(r, w))
			}
			go func() {
				n, err := tc.op(r, w)
				done <- result{n, err}
			}()
			if !tc.closedFirst {
				require.NoError(t, tc.closeEnd(r, w))
			}
			select {
			case res := <-done:
				assert.Equal(t, tc.wantN, res.n)
				if tc.want == nil {
					assert.NoError(t, res.err)
				} else {
					assert.ErrorIs(t, res.err, tc.want)
				}
			case <-time.After(long):
				t.Fatal("the close did not end the read or write")
			}
			require.NoError(t, tc.closeEnd(r, w), "a second Close does nothing")
		})
	}

	t.Run("after its own close", func(t *testing.T) {
		r, w := newMemPipe()
		require.NoError(t, r.Close())
		require.NoError(t, w.Close())
		_, err := r.Read(make([]byte, 1))
		assert.ErrorIs(t, err, io.ErrClosedPipe)
		_, err = w.Write([]byte("x"))
		assert.ErrorIs(t, err, io.ErrClosedPipe)
		assert.ErrorIs(t, r.SetReadDeadline(time.Now()), io.ErrClosedPipe)
		assert.ErrorIs(t, w.SetWriteDeadline(time.Now()), io.ErrClosedPipe)
	})
	t.Run("after the other end's close", func(t *testing.T) {
		r, w := newMemPipe()
		_, err := w.Write([]byte("held"))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		require.NoError(t, r.SetReadDeadline(time.Now().Add(long)), "a deadline for reading what is held")
		got, err := readAllBy(r, 2)
		require.NoError(t, err)
		assert.Equal(t, "held", string(got))
		_, err = r.Read(make([]byte, 1))
		assert.ErrorIs(t, err, io.EOF, "EOF again")

		r, w = newMemPipe()
		require.NoError(t, r.Close())
		assert.NoError(t, w.SetWriteDeadline(time.Now().Add(long)))
		_, err = w.Write([]byte("x"))
		assert.ErrorIs(t, err, io.ErrClosedPipe)
	})
	t.Run("close stops the deadline's timer", func(t *testing.T) {
		r, w := newMemPipe()
		require.NoError(t, r.SetReadDeadline(time.Now().Add(time.Hour)))
		require.NoError(t, w.SetWriteDeadline(time.Now().Add(time.Hour)))
		require.False(t, r.p.rdeadline.firesAt.IsZero() || r.p.wdeadline.firesAt.IsZero(), "timers armed")
		require.NoError(t, r.Close())
		require.NoError(t, w.Close())
		assert.True(t, r.p.rdeadline.firesAt.IsZero() && r.p.wdeadline.firesAt.IsZero(), "no timer left running for a closed pipe")
		assert.False(t, r.p.rdeadline.timer.Stop() || r.p.wdeadline.timer.Stop(), "stopped already")
	})
}

func read(n int) func(*pipeReader, *pipeWriter) (int, error) {
	return func(r *pipeReader, _ *pipeWriter) (int, error) { return r.Read(make([]byte, n)) }
}

func write(s string) func(*pipeReader, *pipeWriter) {
	return func(_ *pipeReader, w *pipeWriter) {
		if _, err := w.Write([]byte(s)); err != nil {
			panic(err)
		}
	}
}

func write1(s string) func(*pipeReader, *pipeWriter) (int, error) {
	return func(_ *pipeReader, w *pipeWriter) (int, error) { return w.Write([]byte(s)) }
}

func closeWriter(_ *pipeReader, w *pipeWriter) error { return w.Close() }
func closeReader(r *pipeReader, _ *pipeWriter) error { return r.Close() }

// TestMemPipe_Deadline: a read or write whose deadline passes while it
// waits fails with os.ErrDeadlineExceeded; one whose deadline has passed
// fails before it reads or writes anything (as an *os.File's does); a
// deadline moved to now wakes one waiting (how the kit interrupts an
// exchange); a later deadline, or none, lets them go on.
func TestMemPipe_Deadline(t *testing.T) {
	t.Run("passes while a read waits", func(t *testing.T) {
		r, _ := newMemPipe()
		start := time.Now()
		require.NoError(t, r.SetReadDeadline(start.Add(short)))
		_, err := r.Read(make([]byte, 1))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		assert.GreaterOrEqual(t, time.Since(start), short)
	})
	t.Run("moved later: a read waits for the later one", func(t *testing.T) {
		r, _ := newMemPipe()
		start := time.Now()
		require.NoError(t, r.SetReadDeadline(start.Add(short)))
		require.NoError(t, r.SetReadDeadline(start.Add(3*short)), "the timer armed for the first fires, and re-arms")
		_, err := r.Read(make([]byte, 1))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		assert.GreaterOrEqual(t, time.Since(start), 3*short)
	})
	t.Run("removed: a read waits past it", func(t *testing.T) {
		r, w := newMemPipe()
		start := time.Now()
		require.NoError(t, r.SetReadDeadline(start.Add(short)))
		require.NoError(t, r.SetReadDeadline(time.Time{}))
		closer := time.AfterFunc(3*short, func() { w.Close() })
		defer closer.Stop()
		_, err := r.Read(make([]byte, 1))
		assert.ErrorIs(t, err, io.EOF, "ended by the close, not the deadline removed")
		assert.GreaterOrEqual(t, time.Since(start), 3*short)
	})
	t.Run("passed: fails with bytes held, then a later deadline reads them", func(t *testing.T) {
		r, w := newMemPipe()
		_, err := w.Write([]byte("late"))
		require.NoError(t, err)
		require.NoError(t, r.SetReadDeadline(time.Now().Add(-time.Second)))
		_, err = r.Read(make([]byte, 10))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		require.NoError(t, r.SetReadDeadline(time.Now().Add(long)))
		b := make([]byte, 10)
		n, err := r.Read(b)
		require.NoError(t, err)
		assert.Equal(t, "late", string(b[:n]))
		require.NoError(t, r.SetReadDeadline(time.Now().Add(-time.Second)))
		require.NoError(t, r.SetReadDeadline(time.Time{}))
		_, err = w.Write([]byte("none"))
		require.NoError(t, err)
		n, err = r.Read(b)
		require.NoError(t, err, "no deadline")
		assert.Equal(t, "none", string(b[:n]))
	})
	for _, tc := range []struct {
		name string
		wait func(r *pipeReader, w *pipeWriter) error
		move func(r *pipeReader, w *pipeWriter) error
	}{
		{"moved to now wakes a waiting read",
			func(r *pipeReader, _ *pipeWriter) error { _, err := r.Read(make([]byte, 1)); return err },
			func(r *pipeReader, _ *pipeWriter) error { return r.SetReadDeadline(time.Now()) }},
		{"moved to now wakes a waiting write",
			func(_ *pipeReader, w *pipeWriter) error { _, err := w.Write(make([]byte, pipeSize+1)); return err },
			func(_ *pipeReader, w *pipeWriter) error { return w.SetWriteDeadline(time.Now()) }},
		{"moved earlier wakes a waiting read",
			func(r *pipeReader, _ *pipeWriter) error { _, err := r.Read(make([]byte, 1)); return err },
			func(r *pipeReader, _ *pipeWriter) error { return r.SetReadDeadline(time.Now().Add(short)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := newMemPipe()
			require.NoError(t, r.SetReadDeadline(time.Now().Add(time.Hour)))
			require.NoError(t, w.SetWriteDeadline(time.Now().Add(time.Hour)))
			done := make(chan error, 1)
			go func() { done <- tc.wait(r, w) }()
			require.NoError(t, tc.move(r, w))
			select {
			case err := <-done:
				assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
			case <-time.After(long):
				t.Fatal("still waiting past the deadline")
			}
			require.NoError(t, r.Close())
			require.NoError(t, w.Close())
		})
	}
	t.Run("a write waits for room until its deadline, keeping what it held", func(t *testing.T) {
		r, w := newMemPipe()
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := w.Write(make([]byte, pipeSize+5))
			done <- result{n, err}
		}()
		// Once what fits is held, the write waits for room: its deadline
		// passes then (set while it waits, not before it starts, which a
		// loaded machine's scheduling could delay past a short deadline).
		for held(r.p) < pipeSize {
			runtime.Gosched()
		}
		require.NoError(t, w.SetWriteDeadline(time.Now()))
		var res result
		select {
		case res = <-done:
		case <-time.After(long):
			t.Fatal("still waiting past the deadline")
		}
		assert.ErrorIs(t, res.err, os.ErrDeadlineExceeded)
		assert.Equal(t, pipeSize, res.n, "what fit is held")
		require.NoError(t, w.Close())
		got, err := readAllBy(r, 4096)
		require.NoError(t, err)
		assert.Len(t, got, pipeSize)
	})
}

// held is how many bytes p holds.
func held(p *memPipe) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.buf) - p.off
}

// TestMemPipe_Concurrent: writers and a reader at once (run with -race):
// every write's bytes arrive together and in order, whatever waits for
// room, and nothing is lost or repeated.
func TestMemPipe_Concurrent(t *testing.T) {
	const writers, lines = 3, 400
	r, w := newMemPipe()
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for j := range lines {
				// A line of one byte repeated, longer than the pipe now
				// and then: its bytes must not mix with another's.
				n := 1 + rng.IntN(3000)
				if j%50 == 0 {
					n = pipeSize + 1000
				}
				line := append(bytes.Repeat([]byte{byte('a' + i)}, n), '\n')
				if _, err := w.Write(line); err != nil {
					panic(err)
				}
			}
		})
	}
	go func() {
		wg.Wait()
		w.Close()
	}()
	got, err := readAllBy(r, 1000)
	require.NoError(t, err)
	count := map[byte]int{}
	for _, line := range bytes.Split(bytes.TrimSuffix(got, []byte("\n")), []byte("\n")) {
		require.NotEmpty(t, line)
		require.Equal(t, len(line), bytes.Count(line, line[:1]), "a line of one writer, unmixed")
		count[line[0]]++
	}
	for i := range writers {
		assert.Equal(t, lines, count[byte('a'+i)], "writer %d's lines", i)
	}
}
