package member

import (
	"slices"

	"github.com/migsim/migsim/virtq"
)

// reqStage is how far a taken request has gone.
type reqStage uint8

const (
	// stageOwned: only the head is known (restored from a draft context);
	// the chain is read again before execution.
	stageOwned reqStage = iota + 1
	// stageFetched: chain read and decoded by the backend.
	stageFetched
	// stageExecuted: the I/O is done; what completes it and the used
	// element are still to be written.
	stageExecuted
)

// request is one request the device has taken from a queue.
type request struct {
	Request
	stage reqStage
}

// queueState is one virtqueue: its registers, the device's ring indices and
// runtime flags, and the requests taken and not completed.
type queueState struct {
	QueueRegs

	lastAvail, usedIdx uint16
	// notifyLatched records a doorbell seen while quiesced;
	// latchedAvail is the avail index it carried (notification data).
	notifyLatched bool
	latchedAvail  uint16
	irqHeld       bool
	// fetchPending records that a fetch was asked for in Active and has
	// not run yet: a doorbell the device has received but not served. A
	// draft-2023 device that leaves Active turns it into a latched
	// notification, so the context carries it (it is not itself context);
	// a virtio-1.4 device keeps it and serves it when it resumes itself
	// (resume), as a source does when the migration is cancelled.
	fetchPending bool
	// enablePending: queue_enable written, not committed yet
	// (pending_work.go).
	enablePending bool

	reqs []*request
	// memo keeps the queue's hash until it is written (state.queue).
	memo partMemo
}

// ring returns the device side of the ring with the queue's indices.
func (q *queueState) ring() virtq.DeviceRing {
	return virtq.DeviceRing{Layout: q.Layout(), LastAvail: q.lastAvail, UsedIdx: q.usedIdx}
}

// state is the device's live state: what a device context (draft) or the
// device parts (1.4) describe, plus the in-flight requests. The common part
// is the core's; dev is the backend's device state. The saved forms are
// devctx values; persist_capture.go and persist_apply.go convert.
type state struct {
	CommonCfg
	queues []queueState

	isr        uint8
	configHeld bool
	// featuresPending: FEATURES_OK written, the features not validated yet
	// (pending_work.go); Status holds the bit clear until then.
	featuresPending bool

	dev Backend
	// devMemo keeps dev's hash until the core calls into it
	// (state.backend).
	devMemo partMemo
}

// newState returns the state after power-on, FLR or reset: dev is reset in
// place and kept.
func newState(c Config, dev Backend) state {
	dev.Reset()
	s := state{CommonCfg: NewCommonCfg(), queues: make([]queueState, c.NumQueues), dev: dev}
	for i := range s.queues {
		s.queues[i] = queueState{QueueRegs: NewQueueRegs(c.QueueSizeMax)}
	}
	return s
}

// selected returns the queue queue_select names to be written (queue),
// or nil past num_queues.
func (s *state) selected() *queueState {
	if int(s.QueueSelect) < len(s.queues) {
		return s.queue(int(s.QueueSelect))
	}
	return nil
}

// clone returns a deep copy of s (queues, taken requests, device state).
func (s *state) clone() state {
	c := *s
	c.queues = slices.Clone(s.queues)
	for i := range c.queues {
		reqs := make([]*request, len(s.queues[i].reqs))
		for j, r := range s.queues[i].reqs {
			cp := *r
			reqs[j] = &cp
		}
		c.queues[i].reqs = reqs
	}
	c.dev = s.dev.Clone()
	c.devMemo = partMemo{} // a backend's Clone need not copy all of it
	return c
}
