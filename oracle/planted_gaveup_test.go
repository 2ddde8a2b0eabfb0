package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// flushMigrated flushes, writes and reads across the default flow.
const flushMigrated = `scenario flush-migrated
vfs 1
set hv-await=ready
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  flush
  read sector=0 count=2
`

// writeMigrated writes and reads while the default flow migrates.
const writeMigrated = `scenario write-migrated
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0xa1
  read sector=0 count=2
`

// writeAwaited writes, then signals the hypervisor, which waits for the
// signal before the default flow migrates. With a device that never
// interrupts, the guest's wait gives up when the world stalls and the
// signal comes after it: the flow then runs, and each of its admin
// commands waits for the owner's completion, which comes (a stall
// releases only the waits blocked at it).
const writeAwaited = `scenario write-awaited
vfs 1
set hv-await=ready
guest vcpu0
  probe
  write sector=0 count=2 pattern=0xa1
  signal ready
  read sector=0 count=2
`

// flushFailedFlow flushes while the hypervisor asks for a reserved draft
// mode, which the device refuses.
const flushFailedFlow = `scenario flush-failed-flow
vfs 1
guest vcpu0
  probe
  signal probed
  flush
hypervisor
  await probed
  mode src 7
`

// writeUnprobed writes and reads without probing the device first: the
// driver has no queue, so it gives up on both, with or without migration.
const writeUnprobed = `scenario write-unprobed
vfs 1
guest vcpu0
  write sector=0 count=2 pattern=0xa1
  read sector=0 count=2
`

// sendUnprobed transmits on a virtio-net VF without probing it first: the
// driver has no queue pair in use, with or without migration.
const sendUnprobed = `scenario send-unprobed
vfs 1
queues 3
set vf-device=net
guest vcpu0 driver=net
  send n=1
`

// sendUnpaired probes a virtio-net VF with VIRTIO_NET_F_MQ only as far
// as its first queue pair and transmits on the second: the program's
// doing, with or without migration.
const sendUnpaired = `scenario send-unpaired
vfs 1
queues 5
set vf-device=net
guest vcpu0 driver=net
  probe until=pair-1
  send n=1 q=1
`

// ctrlUnprobed sends control commands to a virtio-net VF without probing
// it first: nothing is negotiated, so the driver has no control queue,
// with or without migration.
const ctrlUnprobed = `scenario ctrl-unprobed
vfs 1
queues 3
set vf-device=net
guest vcpu0 driver=net
  mac-table uc=1 mc=1
  mq pairs=1
`

// wceUnprobed toggles the write cache of a virtio-blk VF without probing
// it first: nothing is negotiated, CONFIG_WCE among it.
const wceUnprobed = `scenario wce-unprobed
vfs 1
guest vcpu0
  wce on
`

// macTableMigrated sets the MAC table while the default flow migrates a
// virtio-net VF.
const macTableMigrated = `scenario mac-table-migrated
vfs 1
queues 3
set vf-device=net
set hv-await=ready
guest vcpu0 driver=net
  probe
  signal ready
  mac-table uc=1 mc=1
`

func init() {
	planted = append(planted,
		plant{oracle: "gave-up", name: "every flush fails", ed: spec.Draft2023, scn: flushMigrated, device: mutant("fails-flush"),
			want: "gave-up", msg: "the guest gave up on flush sector=0 (failed status): vcpu0: FAIL flush sector=0: status 1, and without migration too", noReqs: true},
		plant{oracle: "gave-up", name: "no interrupt ever", ed: spec.Draft2023, scn: writeMigrated, device: mutant("drops-interrupts"),
			want: "gave-up", msg: "the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed", noReqs: true},
		plant{oracle: "gave-up", name: "no interrupt ever, the hypervisor awaiting the guest", ed: spec.Draft2023, scn: writeAwaited,
			device: mutant("drops-interrupts"), want: "gave-up", msg: "the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed", noReqs: true},
		plant{oracle: "gave-up", name: "no interrupt ever, the hypervisor awaiting the guest, virtio-1.4", ed: spec.Virtio14, scn: writeAwaited,
			device: mutant("drops-interrupts"), want: "gave-up", msg: "the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed", noReqs: true},
		plant{oracle: "gave-up", name: "control command acked with an error", ed: spec.Virtio14, scn: macTableMigrated, netDevice: mutant("naks-mac-table"),
			want: "gave-up", msg: "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 (failed status)", noReqs: true},
		// The guest's program, not the device, is at fault: still a
		// finding, worded for the scenario's author.
		plant{oracle: "gave-up", name: "a write before any probe", ed: spec.Virtio14, scn: writeUnprobed,
			want: "gave-up", msg: "the guest gave up on write: vcpu0: FAIL write: queue 0 not set up (and 1 more such lines), and without migration too: the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use)", noReqs: true},
		plant{oracle: "gave-up", name: "a transmit before any probe", ed: spec.Virtio14, scn: sendUnprobed,
			want: "gave-up", msg: "the guest gave up on tx: vcpu0: FAIL tx: pair 0 not in use (0 pairs), and without migration too: the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use)", noReqs: true},
		plant{oracle: "gave-up", name: "a transmit on a queue pair the probe stopped before", ed: spec.Virtio14, scn: sendUnpaired,
			want: "gave-up", msg: "the guest gave up on tx: vcpu0: FAIL tx: pair 1 not in use (2 pairs), and without migration too: the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use)", noReqs: true},
		plant{oracle: "gave-up", name: "a control command before any probe", ed: spec.Virtio14, scn: ctrlUnprobed,
			want: "gave-up", msg: "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue (and 1 more such lines), and without migration too: the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use)", noReqs: true},
		plant{oracle: "gave-up", name: "a write-cache toggle before any probe", ed: spec.Virtio14, scn: wceUnprobed,
			want: "gave-up", msg: "the guest gave up on wce: vcpu0: FAIL wce: CONFIG_WCE not negotiated, and without migration too: the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use)", noReqs: true},
		plant{oracle: "gave-up", name: "clean: flushes across the default flow", ed: spec.Draft2023, scn: flushMigrated},
		plant{oracle: "gave-up", name: "clean: the MAC table across the default flow", ed: spec.Virtio14, scn: macTableMigrated},
		// A flow that stopped with an error is that error's verdict, whatever
		// the guest shows.
		plant{oracle: "gave-up", name: "clean: a failed migration with a failing flush", ed: spec.Draft2023,
			scn:    flushFailedFlow,
			device: mutant("fails-flush"), want: "error:EINVAL/INVALID_FIELD"},
	)
}

// TestDeviceTrouble: every trouble is the device's (or the guest
// program's) but a command that needs a feature the driver's probe did
// not negotiate; one sent before any probe is kept; the wording names the
// first trouble and counts the rest.
func TestDeviceTrouble(t *testing.T) {
	rx := spec.Features(spec.FeatureNetCtrlVQ.Mask() | spec.FeatureNetCtrlRx.Mask())
	flush := spec.Features(spec.FeatureBlkFlush.Mask())
	for _, tc := range []struct {
		name string
		t    guest.Trouble
		kept bool
		text string
	}{
		{"ack refused, features negotiated", guest.Trouble{Kind: guest.FailedStatus, Line: "vcpu0: FAIL ctrl X: ack 1", Command: "ctrl X",
			Needs: rx, Negotiated: rx}, true, "the guest gave up on ctrl X (failed status): vcpu0: FAIL ctrl X: ack 1"},
		{"control queue without CTRL_RX", guest.Trouble{Kind: guest.FailedStatus, Command: "ctrl X", Needs: rx,
			Negotiated: spec.Features(spec.FeatureNetCtrlVQ.Mask())}, false, ""},
		{"control command before any probe", guest.Trouble{Kind: guest.GaveUp, Line: "vcpu0: FAIL ctrl X: no control queue", Command: "ctrl X",
			Needs: rx, Unprepared: true}, true, "the guest gave up on ctrl X: vcpu0: FAIL ctrl X: no control queue"},
		{"flush without VIRTIO_BLK_F_FLUSH", guest.Trouble{Kind: guest.FailedStatus, Command: "flush sector=0", Needs: flush}, false, ""},
		{"flush with it", guest.Trouble{Kind: guest.FailedStatus, Line: "vcpu0: FAIL flush sector=0: status 1", Command: "flush sector=0",
			Needs: flush, Negotiated: flush}, true, "the guest gave up on flush sector=0 (failed status): vcpu0: FAIL flush sector=0: status 1"},
		{"probe refused", guest.Trouble{Kind: guest.GaveUp, Line: "vcpu0: FAIL probe: config vector not accepted", Command: "probe"}, true,
			"the guest gave up on probe: vcpu0: FAIL probe: config vector not accepted"},
		{"hung", guest.Trouble{Kind: guest.Outstanding, Line: "vcpu0: wait: 1 requests never completed", Command: "wait"}, true,
			"the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := oracle.DeviceTrouble([]guest.Trouble{tc.t, tc.t})
			if !tc.kept {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []guest.Trouble{tc.t, tc.t}, got)
			assert.Equal(t, tc.text+" (and 1 more such lines)", oracle.TroubleText(got))
			assert.Equal(t, tc.text, oracle.TroubleText(got[:1]))
		})
	}
}
