package oracle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEntryActors: a transparent finding names the actor whose log entry
// differs, a peer as much as a guest, on either side of the comparison.
func TestEntryActors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		actors    []string
		got, want string
		out       []string
	}{
		{"a peer's read differs", []string{"vcpu0"}, `p2p: read vf1 +0x20/8: 0010000000000000`,
			`p2p: read vf1 +0x20/8: 0010000002000000`, []string{"vcpu0", "p2p"}},
		{"the guest's own entry adds nothing", []string{"vcpu0"}, "vcpu0: FAIL probe: device refused FEATURES_OK",
			"vcpu0: probe: features VIRTIO_F_VERSION_1", []string{"vcpu0"}},
		{"the logs shifted: both writers", []string{"vcpu0", "vcpu1"}, "p2p: read vf1 +0x10/2: 0000",
			"vcpu1: write sector=0 count=1: status=0", []string{"vcpu0", "vcpu1", "p2p"}},
		{"past a log's end", []string{"vcpu0"}, "(nothing)", "p2p: read vf1 +0x2020/1: 00", []string{"vcpu0", "p2p"}},
		{"an entry without a writer", nil, "(nothing)", "no prefix here", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.out, entryActors(tc.actors, tc.got, tc.want))
		})
	}
}

// TestObserver: a transparent finding names a peer as the observer when
// the differing entries are the peer's own reads, a guest of another VM
// when they are that guest's own, and the guest otherwise (its own
// entries, or logs that shifted between writers).
func TestObserver(t *testing.T) {
	guests, others := []string{"vcpu0", "vcpu1", "other"}, []string{"other"}
	for _, tc := range []struct {
		name, got, want, subject, log string
	}{
		{"a peer's read differs", "p2p: read vf1 +0x20/8: 0000000001000000", "p2p: read vf1 +0x20/8: 0010000001000000", "peer p2p", "the guest log"},
		{"a peer's read is missing", "(nothing)", "p2p: read vf1 +0x2020/1: 00", "peer p2p", "the guest log"},
		{"a vCPU's entry differs", "vcpu0: FAIL reset: device_status never read 0", "vcpu0: reset: done", "the guest", "its log"},
		{"the logs shifted between a peer and a vCPU", "p2p: read vf1 +0x10/2: 0000", "vcpu1: write sector=0 count=1: status=0", "the guest", "its log"},
		{"no writer", "(nothing)", "no prefix here", "the guest", "its log"},
		{"another VM's guest", "other: wait: 1 requests never completed", "other: read sector=0 count=1: status=0",
			"guest other of another VM (it stays on src)", "its log"},
		{"the logs shifted between another VM's guest and the VM's", "other: probe: done", "vcpu0: probe: done", "the guest", "its log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := observer(guests, others, "src", tc.got, tc.want)
			assert.Equal(t, tc.subject, o.subject)
			assert.Equal(t, tc.log, o.log)
		})
	}
}

// TestObservedTold: a transparent finding says the guest moved only when
// the VM ends on another host than it started on; a VM that ends where it
// started (the migration cancelled before the switchover) lets the
// observer tell only that a migration was attempted.
func TestObservedTold(t *testing.T) {
	guest := observed{subject: "the guest", moved: "it", log: "its log"}
	peer := observed{subject: "peer p2p", moved: "the guest", log: "the guest log"}
	other := observed{subject: "guest other of another VM (it stays on src)", moved: "the VM", log: "its log"}
	for _, tc := range []struct {
		name     string
		o        observed
		src, now string
		want     string
	}{
		{"the guest, moved", guest, "src", "dst", "it moved"},
		{"a peer, the guest moved", peer, "src", "dst2", "the guest moved"},
		{"the guest, cancelled", guest, "src", "src", "a migration was attempted, though the VM ends on src, where it started"},
		{"a peer, cancelled", peer, "src", "src", "a migration of the guest was attempted, though the VM ends on src, where it started"},
		{"hosts unknown", guest, "", "", "it moved"},
		{"another VM's guest, the VM moved", other, "src", "dst", "the VM moved"},
		{"another VM's guest, cancelled", other, "src", "src", "a migration of the VM was attempted, though the VM ends on src, where it started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.o.told(tc.src, tc.now))
		})
	}
}

// TestTransparentDifference: the difference a transparent finding names
// is the same whatever the finding says can be told of it, so that a run
// without migration that differs alike is recognised; a message without
// one gives "".
func TestTransparentDifference(t *testing.T) {
	const diff = `0 of its log is "vcpu0: a", without migration "vcpu0: b"`
	for _, tc := range []struct{ name, msg, want string }{
		{"moved", "the guest can tell it moved: entry " + diff, diff},
		{"attempted", "the guest can tell a migration was attempted, though the VM ends on src, where it started: entry " + diff, diff},
		{"without migration", "the guest can tell this schedule from the run without migration's, with no migration in either run: entry " + diff, diff},
		{"blamed", "the guest can tell it moved: entry " + diff + "; blamed on the hypervisor: x", diff + "; blamed on the hypervisor: x"},
		{"another message", "src.vf1: device context changed in Freeze", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, TransparentDifference(tc.msg))
		})
	}
}
