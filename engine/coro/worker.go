package coro

import (
	"iter"
	"sync"
	"sync/atomic"
)

// maxIdleCoroWorkers bounds the workers kept for reuse. A world has a
// handful of actors and an exploration runs a world per job (up to 256):
// when more workers than this are idle at once, the ones beyond it end,
// and the next runs start new ones. An idle worker holds its stack (a few
// KB to tens of KB).
const maxIdleCoroWorkers = 256

// coroWorker is a goroutine that runs coroutine bodies one after another
// (Coro): an iter.Pull coroutine whose function loops, running the body
// in run, then suspending until the next body is handed to it. Between
// bodies it holds nothing of the last one.
type coroWorker struct {
	next func() (struct{}, bool)
	stop func()
	// run is the body to run when the worker resumes between bodies.
	run func(y func(struct{}) bool)
	// between is set by the worker when its body has ended and it waits
	// for the next: only then may it be given back.
	between bool
}

// idleCoroWorkers are the workers between bodies, ready for reuse.
var idleCoroWorkers struct {
	sync.Mutex
	list []*coroWorker
}

// coroWorkersStarted counts the workers ever started (tests).
var coroWorkersStarted atomic.Int64

// getCoroWorker returns an idle worker, or a new one.
func getCoroWorker() *coroWorker {
	idle := &idleCoroWorkers
	idle.Lock()
	if n := len(idle.list); n > 0 {
		wk := idle.list[n-1]
		idle.list[n-1] = nil
		idle.list = idle.list[:n-1]
		idle.Unlock()
		return wk
	}
	idle.Unlock()
	coroWorkersStarted.Add(1)
	wk := &coroWorker{}
	wk.next, wk.stop = iter.Pull(func(y func(struct{}) bool) {
		for {
			run := wk.run
			wk.run = nil
			if run == nil {
				return
			}
			run(y)
			// The body returned or was unwound: suspend until the next
			// body (true) or the end of the worker (false).
			wk.between = true
			if !y(struct{}{}) {
				return
			}
		}
	})
	return wk
}

// putCoroWorker takes back a worker whose body has ended: it is kept for
// reuse, or ended when enough are idle.
func putCoroWorker(wk *coroWorker) {
	idle := &idleCoroWorkers
	idle.Lock()
	if len(idle.list) < maxIdleCoroWorkers {
		idle.list = append(idle.list, wk)
		idle.Unlock()
		return
	}
	idle.Unlock()
	wk.stop()
}
