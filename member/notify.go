package member

import (
	"encoding/binary"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// notify handles a doorbell: a write at notify offset queue_notify_off ×
// NotifyMultiplier (queue_notify_off is the queue index). The data is the
// queue index (or queue_notif_config_data, which is the same value); a
// 4-byte write carries the next avail index in its high half (notification
// data), which a latched doorbell keeps.
//
// Active: the device schedules a fetch. Stop/stopped: the doorbell is
// accepted and latched, served at resume (DP-DEV-10). Freeze: dropped or
// latched per freeze-notify.
func (d *Core) notify(off uint64, data []byte, fx *Effects) {
	if off%pcie.NotifyMultiplier != 0 || off/pcie.NotifyMultiplier >= uint64(d.cfg.NumQueues) {
		fx.note("doorbell at notify+%#x ignored: no queue there", off)
		return
	}
	qi := uint16(off / pcie.NotifyMultiplier)
	q := d.st.queue(int(qi))
	var availIdx uint16
	hasIdx := len(data) == 4
	if hasIdx {
		availIdx = binary.LittleEndian.Uint16(data[2:])
	}
	switch {
	case d.mode == spec.ModeFreeze && d.cfg.Rules.FreezeNotify == spec.FreezeNotifyDrop:
		fx.note("q%d doorbell dropped in Freeze (freeze-notify=drop)", qi)
		return
	case d.quiesced():
		q.notifyLatched = true
		if hasIdx {
			q.latchedAvail = availIdx
		}
		fx.note("q%d doorbell latched (%s)", qi, d.modeName())
		return
	}
	if !d.queueLive(qi) {
		fx.note("q%d doorbell ignored: queue not live", qi)
		return
	}
	q.fetchPending = true
	fx.Steps = append(fx.Steps, Step{Kind: StepFetch, Queue: qi})
}

// queueLive reports whether queue qi may be served: DRIVER_OK set, no reset
// or FLR in progress, the queue enabled.
func (d *Core) queueLive(qi uint16) bool {
	return d.st.Status&spec.StatusDriverOK != 0 && d.st.Status&spec.StatusDeviceNeedsReset == 0 &&
		!d.resetPending && !d.flrPending && int(qi) < len(d.st.queues) && d.st.queues[qi].Enable == 1
}
