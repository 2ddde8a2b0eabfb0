package engine

import "iter"

// Coro runs an actor body as a pull coroutine (iter.Pull): the body calls
// yield with its next visible operation and is suspended there; the world
// reads the pending operation, executes it when the scheduler picks the
// actor, and resumes the body with the operation's result. There is no
// channel ping-pong: a switch costs about as much as a function call.
//
// The body must return when yield panics with a stop signal; Stop does
// that by unwinding the suspended body (deferred calls run). Any other
// panic in the body propagates to the caller of Resume (the scheduler then
// reports it as a "panic" finding).
type Coro[Op, Res any] struct {
	next func() (Op, bool)
	stop func()
	op   Op
	res  Res
	live bool
}

// coroStop unwinds a body whose coroutine was stopped.
type coroStop struct{}

// NewCoro starts body and runs it up to its first yield.
func NewCoro[Op, Res any](body func(yield func(Op) Res)) *Coro[Op, Res] {
	c := &Coro[Op, Res]{}
	seq := func(y func(Op) bool) {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(coroStop); !ok {
					panic(p)
				}
			}
		}()
		body(func(op Op) Res {
			if !y(op) {
				panic(coroStop{})
			}
			return c.res
		})
	}
	c.next, c.stop = iter.Pull(seq)
	c.op, c.live = c.next()
	return c
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
	c.res = res
	c.op, c.live = c.next()
}

// Stop unwinds a suspended body and releases the coroutine. It is safe to
// call more than once and after the body returned.
func (c *Coro[Op, Res]) Stop() {
	c.live = false
	c.stop()
}
