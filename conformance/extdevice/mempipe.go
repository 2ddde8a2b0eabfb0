package extdevice

import (
	"io"
	"os"
	"sync"
	"time"
)

// pipeSize is what a served device's pipe holds in each direction: a
// Linux pipe's default capacity (pipe(7), "Pipe capacity"), so that a
// served device's writes block where a process's would (a line longer
// than that, up to MaxLine, is written as the reader takes it).
const pipeSize = 64 << 10

// memPipe is a one-way in-memory pipe that holds up to pipeSize bytes, as
// an OS pipe does: a write returns once its bytes are held (it waits only
// while the pipe is full) and a read waits only while it is empty.
// Unlike net.Pipe, where every write waits for a read to take it, a line
// costs no handoff between the writer's and the reader's goroutines
// unless one of them is waiting. Its ends are a pipeReader and a
// pipeWriter; each can be closed and given a deadline on its own.
//
// Closing the write end is the end of the input: the reader reads what is
// held, then io.EOF. Closing the read end discards what is held and makes
// a write fail with io.ErrClosedPipe (an OS pipe's broken pipe). An end's
// own read or write after its Close fails with io.ErrClosedPipe, as
// net.Pipe's do. A deadline that has passed makes a read or write fail
// with os.ErrDeadlineExceeded, before it reads or writes anything, as an
// *os.File's does; one that passes while it waits wakes it.
type memPipe struct {
	// rmu and wmu make one read, and one write, at a time: a write's
	// bytes are held together, in order, even while it waits for room.
	rmu, wmu sync.Mutex

	// mu guards the rest, the deadlines' too.
	mu sync.Mutex
	// buf[off:] are the bytes held (at most pipeSize); both reset to the
	// start once read.
	buf []byte
	off int
	// rclosed and wclosed say that an end was closed.
	rclosed, wclosed bool
	// readable and writable wake a reader waiting for bytes and a writer
	// waiting for room, or either for a close or a deadline that passed:
	// one token, taken by the one waiter, who then looks at what changed.
	readable, writable chan struct{}

	rdeadline, wdeadline pipeDeadline
}

// pipeReader is a memPipe's read end.
type pipeReader struct{ p *memPipe }

// pipeWriter is a memPipe's write end.
type pipeWriter struct{ p *memPipe }

// newMemPipe returns the two ends of a new memPipe.
func newMemPipe() (*pipeReader, *pipeWriter) {
	p := &memPipe{readable: make(chan struct{}, 1), writable: make(chan struct{}, 1)}
	p.rdeadline = pipeDeadline{mu: &p.mu, wake: p.readable}
	p.wdeadline = pipeDeadline{mu: &p.mu, wake: p.writable}
	return &pipeReader{p}, &pipeWriter{p}
}

// wake gives the waiter on c its token, unless it has one already.
func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Read reads what is held, waiting while nothing is.
func (r *pipeReader) Read(b []byte) (int, error) {
	p := r.p
	p.rmu.Lock()
	defer p.rmu.Unlock()
	for {
		p.mu.Lock()
		switch {
		case p.rclosed:
			p.mu.Unlock()
			return 0, io.ErrClosedPipe
		case p.rdeadline.passed:
			p.mu.Unlock()
			return 0, os.ErrDeadlineExceeded
		case p.off < len(p.buf):
			n := copy(b, p.buf[p.off:])
			p.off += n
			if p.off == len(p.buf) {
				p.buf, p.off = p.buf[:0], 0
			}
			p.mu.Unlock()
			wake(p.writable)
			return n, nil
		case p.wclosed:
			p.mu.Unlock()
			return 0, io.EOF
		}
		p.mu.Unlock()
		<-p.readable
	}
}

// Close closes the read end: what is held is discarded, a write fails.
func (r *pipeReader) Close() error {
	p := r.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.rclosed {
		p.rclosed = true
		p.buf, p.off = nil, 0
		p.rdeadline.stop()
		wake(p.readable)
		wake(p.writable)
	}
	return nil
}

// SetReadDeadline sets the deadline of reads (the zero time: none); it
// fails with io.ErrClosedPipe once the read end is closed.
func (r *pipeReader) SetReadDeadline(t time.Time) error {
	p := r.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rclosed {
		return io.ErrClosedPipe
	}
	p.rdeadline.set(t)
	return nil
}

// Write holds all of b, waiting for room while the pipe is full; on an
// error it returns how much of b it held.
func (w *pipeWriter) Write(b []byte) (int, error) {
	p := w.p
	p.wmu.Lock()
	defer p.wmu.Unlock()
	n := 0
	for {
		p.mu.Lock()
		switch {
		case p.wclosed, p.rclosed:
			p.mu.Unlock()
			return n, io.ErrClosedPipe
		case p.wdeadline.passed:
			p.mu.Unlock()
			return n, os.ErrDeadlineExceeded
		}
		if k := min(len(b)-n, pipeSize-(len(p.buf)-p.off)); k > 0 {
			if p.off > 0 && len(p.buf)+k > cap(p.buf) {
				p.buf = p.buf[:copy(p.buf, p.buf[p.off:])]
				p.off = 0
			}
			p.buf = append(p.buf, b[n:n+k]...)
			n += k
			wake(p.readable)
		}
		p.mu.Unlock()
		if n == len(b) {
			return n, nil
		}
		<-p.writable
	}
}

// Close closes the write end: the reader reads what is held, then io.EOF.
func (w *pipeWriter) Close() error {
	p := w.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.wclosed {
		p.wclosed = true
		p.wdeadline.stop()
		wake(p.readable)
		wake(p.writable)
	}
	return nil
}

// SetWriteDeadline sets the deadline of writes (the zero time: none); it
// fails with io.ErrClosedPipe once the write end is closed.
func (w *pipeWriter) SetWriteDeadline(t time.Time) error {
	p := w.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.wclosed {
		return io.ErrClosedPipe
	}
	p.wdeadline.set(t)
	return nil
}

// pipeDeadline is one end's deadline. Its timer is not stopped and reset
// for every later deadline (the kit sets one per exchange, a little later
// each time): a timer that fires before the deadline is re-armed for it.
type pipeDeadline struct {
	// mu is the pipe's: it guards the rest.
	mu *sync.Mutex
	// at is the deadline (zero: none); passed says it has passed.
	at     time.Time
	passed bool
	// timer fires at firesAt (zero: not armed), at or before at.
	timer   *time.Timer
	firesAt time.Time
	// wake is the end's waiter's token, given when the deadline passes.
	wake chan struct{}
}

// set sets the deadline t (the zero time: none); d.mu is held.
func (d *pipeDeadline) set(t time.Time) {
	d.at = t
	now := time.Now()
	if !t.IsZero() && !t.After(now) {
		d.passed = true
		wake(d.wake)
		return
	}
	d.passed = false
	// A timer armed for later than t is moved to t; one armed for
	// earlier re-arms itself when it fires.
	if !t.IsZero() && (d.firesAt.IsZero() || d.firesAt.After(t)) {
		d.arm(t, now)
	}
}

// arm makes the timer fire at t; d.mu is held.
func (d *pipeDeadline) arm(t, now time.Time) {
	d.firesAt = t
	if d.timer == nil {
		d.timer = time.AfterFunc(t.Sub(now), d.fire)
		return
	}
	d.timer.Reset(t.Sub(now))
}

// fire is the timer's: the deadline has passed, or the timer is re-armed
// for one set later since it was armed. A timer that fires after its
// deadline was moved or removed finds nothing to do.
func (d *pipeDeadline) fire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.firesAt = time.Time{}
	if d.at.IsZero() || d.passed {
		return
	}
	if now := time.Now(); d.at.After(now) {
		d.arm(d.at, now)
		return
	}
	d.passed = true
	wake(d.wake)
}

// stop removes the deadline and stops the timer, for an end that is
// closed (d.mu held): nothing waits on it any more.
func (d *pipeDeadline) stop() {
	d.at, d.firesAt = time.Time{}, time.Time{}
	if d.timer != nil {
		d.timer.Stop()
	}
}
