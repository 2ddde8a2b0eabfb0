package runtrace

import (
	"io"
	"strconv"
	"time"
)

// Writer writes the text trace, one line per step or clock jump, the time
// as a time.Duration of virtual time:
//
//	17 t=100ms guest0 guest0:mmio-write common_cfg.queue_desc_lo
//	- t=200ms clock
//
// The first write error sticks (Err); later lines are not written.
type Writer struct {
	w   io.Writer
	buf []byte
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) Writer { return Writer{w: w} }

// Err returns the first write error.
func (tw *Writer) Err() error { return tw.err }

// Step writes the line of step index (as shown) at virtual time now.
func (tw *Writer) Step(index int, now time.Duration, actor, label string) {
	if tw.err != nil {
		return
	}
	b := strconv.AppendInt(tw.buf[:0], int64(index), 10)
	b = append(b, " t="...)
	b = append(b, now.String()...)
	b = append(b, ' ')
	b = append(b, actor...)
	b = append(b, ' ')
	b = append(b, label...)
	b = append(b, '\n')
	tw.buf = b
	_, tw.err = tw.w.Write(b)
}

// Clock writes the line of a clock jump to now.
func (tw *Writer) Clock(now time.Duration) {
	if tw.err != nil {
		return
	}
	b := append(tw.buf[:0], "- t="...)
	b = append(b, now.String()...)
	b = append(b, " clock\n"...)
	tw.buf = b
	_, tw.err = tw.w.Write(b)
}
