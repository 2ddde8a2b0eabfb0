package cmdbase

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// sameInterrupt is how soon after the first SIGINT or SIGTERM another
// one is the same interrupt delivered again, not a second Ctrl-C: GNU
// timeout (`timeout -s INT 60 migsim explore …`) signals the command and
// then its whole process group, and a script that passes a terminal's
// Ctrl-C on to migsim (which the terminal signalled already) does the
// same, microseconds to milliseconds apart; a person presses Ctrl-C again
// well after that.
const sameInterrupt = 250 * time.Millisecond

// interruptCount counts interrupts: a signal within sameInterrupt of the
// first is that one again.
type interruptCount struct {
	n     int
	first time.Time
}

// note takes a signal that arrived at now and says which interrupt it is:
// 1 the first, 2 the second or a later one, 0 the first delivered again.
func (c *interruptCount) note(now time.Time) int {
	switch {
	case c.n == 0:
		c.n, c.first = 1, now
	case c.n == 1 && now.Sub(c.first) < sameInterrupt:
		return 0
	default:
		c.n = 2
	}
	return c.n
}

// Interrupts returns two contexts: the first ends at the first SIGINT or
// SIGTERM (stop exploring), the second at the next one (stop shrinking
// too), not counting the first delivered again (sameInterrupt). stop
// releases the signals; call it before returning.
func Interrupts() (first, second context.Context, stop func()) {
	first, second, _, stop = PhasedInterrupts()
	return first, second, stop
}

// PhasedInterrupts is Interrupts with a call, explored, that says the
// exploration is over: from then on the first interrupt ends both
// contexts, since there is nothing left for it to stop but the shrinking
// and explaining that follow (a Ctrl-C while they run must not wait for a
// second one). explored(interrupted) is told whether the exploration
// stopped for the first interrupt; when it did not, a first interrupt that
// came as the exploration ended ends the second context too.
func PhasedInterrupts() (first, second context.Context, explored func(interrupted bool), stop func()) {
	first, cancel1 := context.WithCancel(context.Background())
	second, cancel2 := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	done := make(chan struct{})
	var over atomic.Bool
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		var count interruptCount
		for {
			select {
			case <-sigs:
				switch count.note(time.Now()) {
				case 1:
					cancel1()
					if over.Load() {
						cancel2()
					}
				case 2:
					cancel2()
				}
			case <-done:
				return
			}
		}
	}()
	explored = func(interrupted bool) {
		over.Store(true)
		if !interrupted && first.Err() != nil {
			cancel2()
		}
	}
	return first, second, explored, func() {
		signal.Stop(sigs)
		close(done)
		cancel1()
		cancel2()
	}
}
