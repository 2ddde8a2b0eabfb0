package coro

import (
	"fmt"
	"strings"
)

// maxPanicFrames bounds the frames a Panic keeps: the innermost ones, where
// the body broke, and its body's frame last.
const maxPanicFrames = 16

// Panic is what a body's panic becomes when it reaches the caller of
// Resume (or New): the value it panicked with and the frames of the body's
// own goroutine from the panic up to the body function, which the
// caller's stack has lost (the panic crossed from the worker goroutine).
// Frames are function names only, innermost first, one a line: no
// goroutine ids, file lines or offsets, so they read the same whichever
// worker ran the body and after unrelated edits.
type Panic struct {
	Value  any
	Frames string
}

// String is the panic value's text: what the value alone would print.
func (p *Panic) String() string { return fmt.Sprint(p.Value) }

// Error is String, so that a value that was an error stays one.
func (p *Panic) Error() string { return p.String() }

// Unwrap returns the value when it is an error.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// PanicValue and PanicStack are what the engine's scheduler reads of a
// panic that carries the frames it was raised in (engine's panic finding).
func (p *Panic) PanicValue() any    { return p.Value }
func (p *Panic) PanicStack() string { return p.Frames }

// newPanic wraps the value a body panicked with, taking the frames from a
// stack dump made while the panic unwinds (in the body's deferred
// recover): those below the panic call, up to and with the body function,
// the frame just above runBody. A Panic from a coroutine the body resumed
// keeps its own frames.
func newPanic(v any, stack string) *Panic {
	if p, ok := v.(*Panic); ok {
		return p
	}
	return &Panic{Value: v, Frames: bodyFrames(stack)}
}

// bodyFrames returns the function names of a debug.Stack dump from below
// the first panic call up to the frame before coro's runBody (the body),
// runtime frames right below the panic (a run-time error's sigpanic)
// left out, at most maxPanicFrames of them (the innermost, then "…" and
// the body's frame when there are more).
func bodyFrames(stack string) string {
	var out []string
	seenPanic, body := false, ""
	for _, l := range strings.Split(stack, "\n") {
		if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "goroutine ") {
			continue
		}
		if !seenPanic {
			seenPanic = strings.HasPrefix(l, "panic(")
			continue
		}
		fn := l
		if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
		if strings.HasPrefix(fn, "github.com/migsim/migsim/engine/coro.(*Coro[") && strings.HasSuffix(fn, "]).runBody") {
			break
		}
		if len(out) == 0 && strings.HasPrefix(fn, "runtime.") {
			continue
		}
		out = append(out, fn)
		body = fn
	}
	if len(out) > maxPanicFrames {
		out = append(out[:maxPanicFrames-2], "…", body)
	}
	return strings.Join(out, "\n")
}
