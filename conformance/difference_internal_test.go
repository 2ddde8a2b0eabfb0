package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/catalog/control"
)

// TestChargedBy: the first difference of a transparent finding narrows
// the requirements it charges to those its kind of entry involves, and
// keeps the row's triggers when it singles out none of them; a kind of
// entry that shows a device-type requirement broken names it.
func TestChargedBy(t *testing.T) {
	draft := []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}
	v14 := []string{"DP-DEV-09", "DP-DEV-10"}
	const triggers = "by the row's triggers: the difference does not single out a requirement"
	for _, tc := range []struct {
		name              string
		ids               []string
		migrated, without string
		want              []string
		by                string
		// extra are the requirements a configuration read, the steering
		// or a control command's ack singles out when none of the oracle's
		// it may was involved (singledOut gives them by kind).
		extra []string
	}{
		{"a used element the guest has no request for", draft,
			"vcpu0: FAIL irq q0: harvest: virtq: used ring[2]: id 0 is not an outstanding head", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DRAFT-CTX-01"}, "by the first difference: " + diffQueue, nil},
		{"a request completed with another status", v14,
			"vcpu0: FAIL write sector=2 count=2: status 1", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DP-DEV-09"}, "by the first difference: " + diffQueue, nil},
		{"a read with other data", v14,
			"vcpu0: read sector=0 count=2: status=0 data=00", "vcpu0: read sector=0 count=2: status=0 data=ff",
			[]string{"DP-DEV-09"}, "by the first difference: " + diffQueue, nil},
		{"a control command acked otherwise", v14,
			"vcpu0: ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 2: ack=1", "vcpu0: ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 2: ack=0",
			[]string{"DP-DEV-09"}, "by the first difference: " + diffCommand, nil},
		// In draft-2023 the ack of a command the source applied before the
		// stop travels in NET_INFLIGHT, which its destination completes it
		// with: DRAFT-CTX-09, not the queue state of DRAFT-CTX-01.
		{"a control command in flight at the stop acked otherwise in draft-2023", []string{"DRAFT-CTX-01"},
			"vcpu0: FAIL ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack 1", "vcpu0: ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack=0",
			[]string{"DRAFT-CTX-09"}, "by the first difference: " + diffCommand, []string{"DRAFT-CTX-09"}},
		{"a control command acked otherwise in draft-2023 with no NET_INFLIGHT involved", []string{"DRAFT-CTX-01"},
			"vcpu0: FAIL ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack 1", "vcpu0: ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack=0",
			[]string{"DRAFT-CTX-01"}, "by the row's triggers: the difference, " + diffCommand + ", does not single out a requirement", nil},
		{"a configuration read in virtio-1.4", v14,
			"vcpu0: final: capacity=2048 status=RESET outstanding=0", "vcpu0: final: capacity=2048 status=DRIVER_OK outstanding=0",
			[]string{"DP-DEV-10"}, "by the first difference: " + diffConfig, nil},
		{"a config line", v14,
			"vcpu0: config: capacity=2048 writeback=0", "vcpu0: config: capacity=4096 writeback=0",
			[]string{"DP-DEV-10"}, "by the first difference: " + diffConfig, nil},
		// A peer's MMIO read of a VF's BAR0 is a register read, not a
		// block request's read: of the device or common configuration, a
		// configuration read; of the MSI-X table, none of the kinds.
		{"a peer's read of the device configuration in draft-2023", draft,
			"p2p: read vf1 +0x2020/1: 01", "p2p: read vf1 +0x2020/1: 00",
			draft, "by the row's triggers: the difference, " + diffConfig + ", does not single out a requirement", nil},
		{"a peer's read of the common configuration in virtio-1.4", v14,
			"p2p: read vf1 +0x10/2: 0000", "p2p: read vf1 +0x10/2: 0100",
			[]string{"DP-DEV-10"}, "by the first difference: " + diffConfig, nil},
		{"a peer's read of the MSI-X table", v14,
			"p2p: read vf1 +0x4000/16: 00", "p2p: read vf1 +0x4000/16: 01", v14, triggers, nil},
		// A probe that reads device_status without FEATURES_OK on the
		// destination read the configuration: in virtio-1.4, with no
		// request in Stop, the driver features the run's DEV_PARTS_SET
		// carried.
		{"a probe refused FEATURES_OK after parts were set", []string{"DP-DEV-09"},
			"vcpu0: FAIL probe: device refused FEATURES_OK for VIRTIO_BLK_F_FLUSH|VIRTIO_F_VERSION_1", "vcpu0: probe: features VIRTIO_BLK_F_FLUSH|VIRTIO_F_VERSION_1",
			[]string{"DP-DEV-08"}, "by the first difference: " + diffConfig, []string{"DP-DEV-08"}},
		{"a probe entry of the driver's plan is no configuration read", v14,
			"vcpu0: FAIL probe: 2 ring regions are not enough for a queue pair", "vcpu0: probe: features VIRTIO_NET_F_MQ",
			v14, triggers, nil},
		{"a configuration read in draft-2023 singles out neither", draft,
			"vcpu0: final: capacity=2048 status=DRIVER_OK outstanding=0", "vcpu0: final: capacity=4096 status=DRIVER_OK outstanding=0",
			draft, "by the row's triggers: the difference, " + diffConfig + ", does not single out a requirement", nil},
		{"a final line whose outstanding count differs is no configuration read", v14,
			"vcpu0: final: capacity=2048 status=DRIVER_OK outstanding=2", "vcpu0: final: capacity=2048 status=DRIVER_OK outstanding=0",
			v14, triggers, nil},
		{"requests never completed", draft,
			"vcpu0: wait: 2 requests never completed", "vcpu0: write sector=2 count=2: status=0", draft, triggers, nil},
		{"frames not received", v14, "vcpu0: recv: 0 of 4 frames", "vcpu0: recv: 4 frames", v14, triggers, nil},
		{"a log that ended early", v14, "(nothing)", "vcpu0: write sector=2 count=2: status=0", v14, triggers, nil},
		{"another trigger stays charged", []string{"DP-DEV-09", "DP-DEV-10", "DP-DEV-14"},
			"vcpu0: FAIL irq q0: harvest: virtq: used ring[2]: id 0 is not an outstanding head", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DP-DEV-09", "DP-DEV-14"}, "by the first difference: " + diffQueue, nil},
		{"another trigger stays charged beside a configuration read", []string{"DP-DEV-09", "DP-DEV-10", "NET-PART-01"},
			"vcpu0: config: mac=52:54:00:00:00:02 link=up max-pairs=1 mtu=1500", "vcpu0: config: mac=52:54:00:00:00:01 link=up max-pairs=1 mtu=1500",
			[]string{"DP-DEV-10", "NET-PART-01"}, "by the first difference: " + diffConfig, nil},
		{"a rule that keeps every one of the oracle's, beside another trigger", []string{"DP-DEV-09", "DP-DEV-14"},
			"vcpu0: write sector=2 count=2: status=1", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DP-DEV-09", "DP-DEV-14"}, "by the row's triggers: the difference, " + diffQueue + ", does not single out a requirement", nil},
		{"a configuration read with DP-DEV-10 involved keeps it", v14,
			"vcpu0: config: capacity=2048 writeback=0", "vcpu0: config: capacity=4096 writeback=0",
			[]string{"DP-DEV-10"}, "by the first difference: " + diffConfig, []string{"DP-DEV-08"}},
		{"a configuration read with no request in Stop: the values set", []string{"DP-DEV-09"},
			"vcpu0: config: capacity=2048 writeback=0", "vcpu0: config: capacity=4096 writeback=0",
			[]string{"DP-DEV-08"}, "by the first difference: " + diffConfig, []string{"DP-DEV-08"}},
		{"a configuration read with nothing set and no request in Stop", []string{"DP-DEV-09"},
			"vcpu0: config: capacity=2048 writeback=0", "vcpu0: config: capacity=4096 writeback=0",
			[]string{"DP-DEV-09"}, "by the row's triggers: the difference, " + diffConfig + ", does not single out a requirement", nil},
		{"a queue difference never takes the values set", []string{"DP-DEV-09"},
			"vcpu0: FAIL write sector=2 count=2: status 1", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DP-DEV-09"}, "by the row's triggers: the difference, " + diffQueue + ", does not single out a requirement", []string{"DP-DEV-08"}},
		// A virtio-net destination that restored more queue pairs than the
		// guest set steers a frame beyond them: the control-queue state
		// the run moved, not a descriptor left unwritten.
		{"a frame beyond the pairs in use: the values set", []string{"DP-DEV-09"},
			"vcpu0: FAIL rx q4: a frame on receiveq3 with 2 pairs in use", "vcpu0: recv: 8 frames",
			[]string{"DP-DEV-08"}, "by the first difference: " + diffSteering + ", which NET-DEV-10 forbids", []string{"DP-DEV-08"}},
		{"a frame beyond the pairs in use in draft-2023", draft,
			"vcpu0: FAIL rx q4: a frame on receiveq3 with 2 pairs in use", "vcpu0: tx q3 seq=1: sent",
			[]string{"DRAFT-CTX-01"}, "by the first difference: " + diffSteering + ", which NET-DEV-10 forbids", nil},
		{"a frame beyond the pairs in use that singles out none names the requirement it shows broken", []string{"DRAFT-CTX-01"},
			"vcpu0: FAIL rx q4: a frame on receiveq3 with 2 pairs in use", "vcpu0: tx q3 seq=1: sent",
			[]string{"DRAFT-CTX-01"}, "by the row's triggers: the difference, " + diffSteering + ", which NET-DEV-10 forbids, does not single out a requirement", nil},
		{"a rule that would keep none", []string{"DRAFT-STOP-03"},
			"vcpu0: FAIL irq q0: harvest: virtq: used ring[2]: id 0 is not an outstanding head", "vcpu0: write sector=2 count=2: status=0",
			[]string{"DRAFT-STOP-03"}, "by the row's triggers: the difference, " + diffQueue + ", does not single out a requirement", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string][]string{diffConfig: tc.extra, diffSteering: tc.extra, diffCommand: tc.extra}
			got, by := chargedBy(tc.ids, &control.Difference{Entry: 3, Migrated: tc.migrated, WithoutMigration: tc.without}, extra)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.by, by)
		})
	}
}
