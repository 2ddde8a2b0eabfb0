package world

import "github.com/migsim/migsim/internal/deephash"

// guestChainSalt starts a guest's chain afresh at an operation of its
// program (rebaseChain).
const guestChainSalt = 0x9e5ba5e

// rebaseChain starts guest g's chain afresh as it begins operation k of
// its program (k = len(ops): the settle after the last), when the step
// running it records what g reads (chainStep).
//
// A chain is a history: two runs in which the guest read different
// values inside an operation (an interrupt before or after the used ring
// moved, a register read once or twice) keep different chains for ever,
// although the guest ends the operation in the same state. Between two
// operations the guest's coroutine holds nothing on its stack but the
// index of the next operation (runProgram's loop; the program does not
// change): everything else it will act on is in its driver (g.drv: rings'
// shadow indices, requests in flight, the disk as the guest believes it,
// the log, scratch buffers — hashed whole, by reflection, skipping the
// world's own types, which the shared state hashes), in the guest actor's
// fields that are shared state (pending interrupts, halted) or fixed (VF,
// program), and in what it reads from now on, which the chain records as
// before. The clock is mixed in too: a sleep reads it before it yields.
// So the index, the clock and the driver's hash summarise the guest at
// that point as well as its history did.
//
// The chain is not restarted when the step does not record what the guest
// reads (a step that may touch everything records the shared state before
// it instead), nor when the step ran the hypervisor's code (a trapped
// FLR): the hypervisor's chain then takes the guest's after the step
// (shareChains), and it must still hold what the hypervisor's code read.
func (g *guestActor) rebaseChain(k int) {
	w := g.w
	if !w.chaining || w.observing != &g.actor || g.trapping || w.hvShared {
		return
	}
	v := deephash.Mix(deephash.Mix(guestChainSalt, uint64(k)), uint64(w.now))
	g.chain = deephash.Mix(v, w.hasher().dev.Hash(g.drv))
}
