// Package coro runs an actor written as straight-line code as a pull
// coroutine on a reused worker goroutine (Coro): the world's actors (guest
// vCPUs, the hypervisor, peers) run on it, and the engine's scheduler picks
// which pending operation runs next (docs/engine.md, "Actors on
// coroutines").
package coro

import "runtime/debug"

// Coro runs an actor body as a pull coroutine (iter.Pull, worker.go):
// the body calls yield with its next visible operation and is suspended
// there; the world reads the pending operation, executes it when the
// scheduler picks the actor, and resumes the body with the operation's
// result. There is no channel ping-pong: a switch costs about as much as a
// function call.
//
// The body must return when yield panics with a stop signal; Stop does
// that by unwinding the suspended body (deferred calls run). Any other
// panic in the body propagates to the caller of Resume (or New) as a
// *Panic: the value with the body's frames, which the caller's stack no
// longer has (the scheduler then reports it as a "panic" finding with
// those frames).
//
// A body runs on a worker goroutine that outlives it: once the body has
// returned or been unwound, the worker runs the next coroutine's body
// (worker.go). An exploration starts every actor of every run anew,
// and a fresh goroutine per actor and run costs its creation and the
// growth of its stack each time. The workers are shared by every
// goroutine of the process, so a Coro must not be used from a goroutine
// locked to its OS thread (runtime.LockOSThread, package initialisation,
// a cgo callback): the runtime refuses to switch between a locked and an
// unlocked goroutine.
type Coro[Op, Res any] struct {
	wk   *coroWorker
	op   Op
	res  Res
	live bool
	// stopping makes the suspended yield unwind the body (Stop).
	stopping bool
}

// coroStop unwinds a body whose coroutine was stopped.
type coroStop struct{}

// New starts body and runs it up to its first yield.
func New[Op, Res any](body func(yield func(Op) Res)) *Coro[Op, Res] {
	c := &Coro[Op, Res]{wk: getCoroWorker(), live: true}
	c.wk.run = func(y func(struct{}) bool) { c.runBody(body, y) }
	c.switchTo()
	return c
}

// runBody runs body on the worker: yield hands the operation to the
// caller through the Coro and suspends the worker (y) until Resume or
// Stop.
func (c *Coro[Op, Res]) runBody(body func(yield func(Op) Res), y func(struct{}) bool) {
	defer func() {
		var zero Op
		c.op, c.live = zero, false
		if p := recover(); p != nil {
			if _, ok := p.(coroStop); !ok {
				// The caller's stack will not show where the body broke:
				// take the body's frames while they are still here.
				panic(newPanic(p, string(debug.Stack())))
			}
		}
	}()
	body(func(op Op) Res {
		if c.stopping {
			panic(coroStop{}) // a deferred call of the body yields while it unwinds
		}
		if c.wk != nil || !c.live {
			// The body of another coroutine would be suspended in its place.
			panic("coro: a coroutine's yield called outside its running body")
		}
		c.op = op
		if !y(struct{}{}) || c.stopping {
			panic(coroStop{})
		}
		return c.res
	})
}

// switchTo runs the body until it yields or ends; a body that ended gives
// its worker back, once the worker says it waits between bodies. While the
// body runs, c holds no worker: a body that panics takes its worker with it
// (iter.Pull ends a coroutine whose function panics), and the panic
// reaches the caller.
func (c *Coro[Op, Res]) switchTo() {
	wk := c.wk
	c.wk = nil
	wk.between = false
	wk.next()
	c.wk = wk
	if wk.between {
		c.wk = nil
		putCoroWorker(wk)
	}
}

// Pending returns the operation the body is suspended on; ok is false once
// the body has returned.
func (c *Coro[Op, Res]) Pending() (op Op, ok bool) { return c.op, c.live }

// Done reports whether the body has returned.
func (c *Coro[Op, Res]) Done() bool { return !c.live }

// Resume hands res to the suspended yield and runs the body to its next
// yield (or its end). Resuming a finished coroutine does nothing.
func (c *Coro[Op, Res]) Resume(res Res) {
	if !c.live {
		return
	}
	if c.wk == nil {
		panic("coro: a coroutine resumed from its own body")
	}
	c.res = res
	c.switchTo()
}

// Stop unwinds a suspended body and releases the coroutine. It is safe to
// call more than once and after the body returned. Called while the body
// runs (the body, or a coroutine it resumed, stops it), it unwinds the
// body at its next yield.
func (c *Coro[Op, Res]) Stop() {
	if !c.live {
		return
	}
	c.stopping = true
	if c.wk != nil {
		c.switchTo()
	}
}
