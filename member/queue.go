package member

import (
	"errors"

	"github.com/migsim/migsim/spec"
)

// stepFetch takes one head from queue qi's avail ring, reads its chain and
// lets the backend decode it (DMA reads). It asks for StepExecute, and for
// another StepFetch while more heads are available.
func (d *Core) stepFetch(qi uint16, fx *Effects) {
	if int(qi) < len(d.st.queues) && !d.quiesced() {
		d.st.queue(int(qi)).fetchPending = false
	}
	if !d.stepAllowed("fetch", qi, fx) {
		return
	}
	q := d.st.queue(int(qi))
	ring := q.ring()
	head, ok, err := ring.PopVia(d.cfg.Mem, d.cfg.RID, &d.ringBuf)
	if err != nil {
		d.queueError(qi, err, fx)
		return
	}
	if !ok {
		return
	}
	q.lastAvail = ring.LastAvail
	r := &request{Request: Request{Queue: qi, Head: head}, stage: stageOwned}
	q.reqs = append(q.reqs, r)
	if err := d.readChain(q, r); err != nil {
		d.queueError(qi, err, fx)
		return
	}
	fx.Steps = append(fx.Steps, Step{Kind: StepExecute, Queue: qi})
	if idx, err := ring.AvailIdxVia(d.cfg.Mem, d.cfg.RID, &d.ringBuf); err == nil && idx != q.lastAvail {
		q.fetchPending = true
		fx.Steps = append(fx.Steps, Step{Kind: StepFetch, Queue: qi})
	}
}

// readChain reads r's descriptor chain and has the backend decode it.
func (d *Core) readChain(q *queueState, r *request) error {
	ring := q.ring()
	segs, err := ring.ChainVia(d.cfg.Mem, d.cfg.RID, r.Head, &d.ringBuf)
	if err != nil {
		return err
	}
	req := r.Request
	req.Chain = segs
	req.Features = spec.Features(d.st.DriverFeatures)
	if err := d.st.backend().Fetch(&req); err != nil {
		return err
	}
	r.Request, r.stage = req, stageFetched
	return nil
}

// stepExecute executes the oldest taken request of queue qi that is not
// executed yet and asks for StepComplete.
func (d *Core) stepExecute(qi uint16, fx *Effects) {
	if !d.stepAllowed("execute", qi, fx) {
		return
	}
	if d.executeNext(qi, fx) {
		fx.Steps = append(fx.Steps, Step{Kind: StepComplete, Queue: qi})
	}
}

// executeNext executes the oldest request not yet executed; false when there
// is none, it failed or it waits for the backend (ErrNotReady).
func (d *Core) executeNext(qi uint16, fx *Effects) bool {
	q := d.st.queue(int(qi))
	for _, r := range q.reqs {
		if r.stage == stageExecuted {
			continue
		}
		if r.stage == stageOwned {
			if err := d.readChain(q, r); err != nil {
				d.queueError(qi, err, fx)
				return false
			}
		}
		err := d.st.backend().Execute(&r.Request)
		if errors.Is(err, ErrNotReady) {
			fx.note("q%d: head %d waits for the backend", qi, r.Head)
			return false
		}
		if err != nil {
			d.queueError(qi, err, fx)
			return false
		}
		r.stage = stageExecuted
		return true
	}
	return false
}

// stepComplete completes the oldest executed request of queue qi: what the
// backend returns in the chain, the used element, used idx, ISR and the
// queue's MSI-X.
func (d *Core) stepComplete(qi uint16, fx *Effects) {
	if !d.stepAllowed("complete", qi, fx) {
		return
	}
	d.completeNext(qi, fx)
}

// completeNext completes the first request if it is executed (in order).
func (d *Core) completeNext(qi uint16, fx *Effects) bool {
	q := d.st.queue(int(qi))
	if len(q.reqs) == 0 || q.reqs[0].stage != stageExecuted {
		return false
	}
	r := q.reqs[0]
	if err := d.st.backend().Complete(&r.Request); err != nil {
		d.queueError(qi, err, fx)
		return false
	}
	ring := q.ring()
	if err := ring.PushUsedVia(d.cfg.Mem, d.cfg.RID, r.Head, r.Written, &d.ringBuf); err != nil {
		d.queueError(qi, err, fx)
		return false
	}
	q.usedIdx = ring.UsedIdx
	q.reqs = q.reqs[1:]
	d.queueInterrupt(qi, fx)
	return true
}

// stepAllowed reports whether a queue step may run now. Quiesced, the step
// is a no-op (the device re-requests its pending work at resume); so it is
// when the queue is not live (reset, FLR, not enabled).
func (d *Core) stepAllowed(what string, qi uint16, fx *Effects) bool {
	if int(qi) >= len(d.st.queues) {
		fx.note("%s(q%d): no such queue", what, qi)
		return false
	}
	if d.quiesced() {
		fx.note("%s(q%d) while %s: no-op, re-requested at resume", what, qi, d.modeName())
		return false
	}
	if !d.queueLive(qi) {
		fx.note("%s(q%d): queue not live, no-op", what, qi)
		return false
	}
	return true
}

// queueError handles a malformed ring or a refused DMA: the device sets
// DEVICE_NEEDS_RESET and signals a configuration change.
func (d *Core) queueError(qi uint16, err error, fx *Effects) {
	fx.note("q%d: %v: DEVICE_NEEDS_RESET", qi, err)
	d.st.Status |= spec.StatusDeviceNeedsReset
	d.configInterrupt(fx)
}

// writeBackAll completes every taken request synchronously (virtio-1.4
// entering stopped, DP-DEV-09): execute what is not executed, then complete
// and write the used element and used idx, in order. The interrupts are
// raised by the caller's mode (held once stopped).
func (d *Core) writeBackAll(fx *Effects) {
	for qi := range d.st.queues {
		q := &d.st.queues[qi] // read here; executeNext and completeNext write it
		if len(q.reqs) == 0 || !d.queueLive(uint16(qi)) {
			continue
		}
		d.forgetDigest()
		n := len(q.reqs)
		for len(q.reqs) > 0 {
			if q.reqs[0].stage != stageExecuted && !d.executeNext(uint16(qi), fx) {
				break
			}
			if !d.completeNext(uint16(qi), fx) {
				break
			}
		}
		fx.note("q%d: %d taken requests written back before stop", qi, n-len(q.reqs))
	}
}

// pendingSteps returns the steps that serve the work a queue has: requests
// taken and not completed first, then a fetch when a doorbell was latched.
func (d *Core) pendingSteps(qi uint16, fetch bool) []Step {
	q := &d.st.queues[qi]
	var out []Step
	for _, r := range q.reqs {
		if r.stage == stageExecuted {
			out = append(out, Step{Kind: StepComplete, Queue: qi})
		} else {
			out = append(out, Step{Kind: StepExecute, Queue: qi})
		}
	}
	if fetch {
		d.st.queue(int(qi)).fetchPending = true
		out = append(out, Step{Kind: StepFetch, Queue: qi})
	}
	return out
}
