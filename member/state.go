package member

import (
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// NoVector is VIRTIO_MSI_NO_VECTOR.
const NoVector uint16 = 0xffff

// Indices of the 64-bit queue address registers in queueState.addr.
const (
	addrDesc = iota
	addrDriver
	addrDevice
	numAddrs
)

// addrLo are the lo offsets of the 64-bit queue address registers.
var addrLo = [numAddrs]spec.CommonCfgField{spec.CfgQueueDescLo, spec.CfgQueueDriverLo, spec.CfgQueueDeviceLo}

// Halves of a split 64-bit write (as in devctx.SplitLoWritten/HiWritten).
const (
	halfLo uint8 = 1 << 0
	halfHi uint8 = 1 << 1
)

// reqStage is how far a taken request has gone.
type reqStage uint8

const (
	// stageOwned: only the head is known (restored from a draft context);
	// the chain is read again before execution.
	stageOwned reqStage = iota + 1
	// stageFetched: chain and header read.
	stageFetched
	// stageExecuted: the I/O is done; the status byte and the used element
	// are still to be written.
	stageExecuted
)

// request is one virtio-blk request the device has taken from a queue.
type request struct {
	head  uint16
	stage reqStage
	segs  []virtq.Segment
	hdr   blkHeader
	// status is the virtio-blk status byte to write at completion.
	status uint8
	// written is the used length (data written + the status byte).
	written uint32
}

// queueState is one virtqueue: its registers, the device's ring indices and
// runtime flags, and the requests taken and not completed.
type queueState struct {
	size, vector, enable, reset uint16
	// addr holds the latched raw 64-bit addresses (desc, driver, device);
	// each half is written independently (PCI-DEV-02).
	addr [numAddrs]uint64
	// split holds, per address, the halves written since the last complete
	// pair (halfLo, halfHi); 0 when no split write is in progress.
	split [numAddrs]uint8

	lastAvail, usedIdx uint16
	// notifyLatched records a doorbell seen while quiesced;
	// latchedAvail is the avail index it carried (notification data).
	notifyLatched bool
	latchedAvail  uint16
	irqHeld       bool
	// fetchPending records that a fetch was asked for in Active and has
	// not run yet: a doorbell the device has received but not served. A
	// draft-2023 device that leaves Active turns it into a latched
	// notification, so the context carries it (it is not itself context).
	fetchPending bool

	reqs []*request
}

// layout returns the queue's ring layout from its latched registers.
func (q *queueState) layout() virtq.Layout {
	return virtq.Layout{Size: q.size, Desc: q.addr[addrDesc], Avail: q.addr[addrDriver], Used: q.addr[addrDevice]}
}

// ring returns the device side of the ring with the queue's indices.
func (q *queueState) ring() virtq.DeviceRing {
	return virtq.DeviceRing{Layout: q.layout(), LastAvail: q.lastAvail, UsedIdx: q.usedIdx}
}

// state is the device's live state: what a device context (draft) or the
// device parts (1.4) describe, plus the in-flight requests. The saved forms
// are devctx values; capture.go and apply.go convert.
type state struct {
	devFeatureSel uint32
	drvFeatureSel uint32
	drvFeatures   uint64
	configVector  uint16
	status        spec.DeviceStatus
	configGen     uint8
	queueSelect   uint16
	queues        []queueState

	// Device configuration (virtio_blk_config) that can change.
	capacity  uint64
	writeback uint8

	isr        uint8
	configHeld bool
}

// newState returns the state after power-on, FLR or reset.
func newState(c Config) state {
	s := state{configVector: NoVector, capacity: c.Disk.Capacity(), queues: make([]queueState, c.NumQueues)}
	if c.Features.Has(spec.FeatureBlkFlush) {
		s.writeback = 1
	}
	for i := range s.queues {
		s.queues[i] = queueState{size: c.QueueSizeMax, vector: NoVector}
	}
	return s
}

// selected returns the queue queue_select names, or nil past num_queues.
func (s *state) selected() *queueState {
	if int(s.queueSelect) < len(s.queues) {
		return &s.queues[s.queueSelect]
	}
	return nil
}
