package member

import (
	"github.com/migsim/migsim/spec"
)

// stepFetch takes one head from queue qi's avail ring and reads its chain
// and out header (DMA reads). It asks for StepExecute, and for another
// StepFetch while more heads are available.
func (b *Blk) stepFetch(qi uint16, fx *Effects) {
	if int(qi) < len(b.st.queues) && !b.quiesced() {
		b.st.queues[qi].fetchPending = false
	}
	if !b.stepAllowed("fetch", qi, fx) {
		return
	}
	q := &b.st.queues[qi]
	ring := q.ring()
	head, ok, err := ring.Pop(b.cfg.Mem, b.cfg.RID)
	if err != nil {
		b.queueError(qi, err, fx)
		return
	}
	if !ok {
		return
	}
	q.lastAvail = ring.LastAvail
	r := &request{head: head, stage: stageOwned}
	q.reqs = append(q.reqs, r)
	if err := b.readChain(q, r); err != nil {
		b.queueError(qi, err, fx)
		return
	}
	fx.Steps = append(fx.Steps, Step{Kind: StepExecute, Queue: qi})
	if idx, err := ring.AvailIdx(b.cfg.Mem, b.cfg.RID); err == nil && idx != q.lastAvail {
		q.fetchPending = true
		fx.Steps = append(fx.Steps, Step{Kind: StepFetch, Queue: qi})
	}
}

// readChain reads r's descriptor chain and out header.
func (b *Blk) readChain(q *queueState, r *request) error {
	ring := q.ring()
	segs, err := ring.Chain(b.cfg.Mem, b.cfg.RID, r.head)
	if err != nil {
		return err
	}
	h, err := b.readHeader(segs)
	if err != nil {
		return err
	}
	r.segs, r.hdr, r.stage = segs, h, stageFetched
	return nil
}

// stepExecute executes the oldest taken request of queue qi that is not
// executed yet and asks for StepComplete.
func (b *Blk) stepExecute(qi uint16, fx *Effects) {
	if !b.stepAllowed("execute", qi, fx) {
		return
	}
	if b.executeNext(qi, fx) {
		fx.Steps = append(fx.Steps, Step{Kind: StepComplete, Queue: qi})
	}
}

// executeNext executes the oldest request not yet executed; false when there
// is none or it failed.
func (b *Blk) executeNext(qi uint16, fx *Effects) bool {
	q := &b.st.queues[qi]
	for _, r := range q.reqs {
		if r.stage == stageExecuted {
			continue
		}
		if r.stage == stageOwned {
			if err := b.readChain(q, r); err != nil {
				b.queueError(qi, err, fx)
				return false
			}
		}
		if err := b.execute(r); err != nil {
			b.queueError(qi, err, fx)
			return false
		}
		r.stage = stageExecuted
		return true
	}
	return false
}

// stepComplete completes the oldest executed request of queue qi: status
// byte, used element, used idx, ISR and the queue's MSI-X.
func (b *Blk) stepComplete(qi uint16, fx *Effects) {
	if !b.stepAllowed("complete", qi, fx) {
		return
	}
	b.completeNext(qi, fx)
}

// completeNext completes the first request if it is executed (in order).
func (b *Blk) completeNext(qi uint16, fx *Effects) bool {
	q := &b.st.queues[qi]
	if len(q.reqs) == 0 || q.reqs[0].stage != stageExecuted {
		return false
	}
	r := q.reqs[0]
	if err := b.writeStatus(r); err != nil {
		b.queueError(qi, err, fx)
		return false
	}
	ring := q.ring()
	if err := ring.PushUsed(b.cfg.Mem, b.cfg.RID, r.head, r.written); err != nil {
		b.queueError(qi, err, fx)
		return false
	}
	q.usedIdx = ring.UsedIdx
	q.reqs = q.reqs[1:]
	b.queueInterrupt(qi, fx)
	return true
}

// stepAllowed reports whether a queue step may run now. Quiesced, the step
// is a no-op (the device re-requests its pending work at resume); so it is
// when the queue is not live (reset, FLR, not enabled).
func (b *Blk) stepAllowed(what string, qi uint16, fx *Effects) bool {
	if int(qi) >= len(b.st.queues) {
		fx.note("%s(q%d): no such queue", what, qi)
		return false
	}
	if b.quiesced() {
		fx.note("%s(q%d) while %s: no-op, re-requested at resume", what, qi, b.cfg.Edition.ModeName(b.mode))
		return false
	}
	if !b.queueLive(qi) {
		fx.note("%s(q%d): queue not live, no-op", what, qi)
		return false
	}
	return true
}

// queueError handles a malformed ring or a refused DMA: the device sets
// DEVICE_NEEDS_RESET and signals a configuration change.
func (b *Blk) queueError(qi uint16, err error, fx *Effects) {
	fx.note("q%d: %v: DEVICE_NEEDS_RESET", qi, err)
	b.st.status |= spec.StatusDeviceNeedsReset
	b.configInterrupt(fx)
}

// writeBackAll completes every taken request synchronously (virtio-1.4
// entering stopped, DP-DEV-09): execute what is not executed, then write
// status, used element and used idx, in order. The interrupts are raised
// by the caller's mode (held once stopped).
func (b *Blk) writeBackAll(fx *Effects) {
	for qi := range b.st.queues {
		q := &b.st.queues[qi]
		if len(q.reqs) == 0 || !b.queueLive(uint16(qi)) {
			continue
		}
		n := len(q.reqs)
		for len(q.reqs) > 0 {
			if q.reqs[0].stage != stageExecuted && !b.executeNext(uint16(qi), fx) {
				break
			}
			if !b.completeNext(uint16(qi), fx) {
				break
			}
		}
		fx.note("q%d: %d taken requests written back before stop", qi, n-len(q.reqs))
	}
}

// pendingSteps returns the steps that serve the work a queue has: requests
// taken and not completed first, then a fetch when a doorbell was latched.
func (b *Blk) pendingSteps(qi uint16, fetch bool) []Step {
	q := &b.st.queues[qi]
	var out []Step
	for _, r := range q.reqs {
		if r.stage == stageExecuted {
			out = append(out, Step{Kind: StepComplete, Queue: qi})
		} else {
			out = append(out, Step{Kind: StepExecute, Queue: qi})
		}
	}
	if fetch {
		q.fetchPending = true
		out = append(out, Step{Kind: StepFetch, Queue: qi})
	}
	return out
}
