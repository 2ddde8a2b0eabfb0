package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// A write the guest saw completed must be on the disk by the time the
// source's state is final: when DEV_MODE_SET stopped completes
// (virtio-1.4), when Freeze completes (draft-2023). Neither the device
// parts nor the context carry a device's write cache, and the destination
// shares the source's disk, so a completed write still in such a cache
// then is lost to the guest once it moves. Before that the device may keep
// it cached: in writeback mode a completed write need not be on stable
// storage until a VIRTIO_BLK_T_FLUSH (virtio spec, "Block Device", "Device
// Operation"), so a device that lives on is judged by what the guest reads
// back, never by the disk.

// written is a write request and the bytes it wrote at sector.
type written struct {
	r      harness.Request
	sector uint64
	data   []byte
}

// expectCompletedWritesOnDisk checks, at the moment named by when, that
// the disk g serves holds the data of every write of ws whose status byte
// says it completed (0). virtio-1.4 charges DP-DEV-09 (the stop finishes
// what the device has outstanding before it completes); draft-2023 the
// test's own requirement. It reports whether every one was there.
func expectCompletedWritesOnDisk(c *harness.Check, g *harness.Rig, gu *harness.Guest, ws []written, when string) bool {
	id := ""
	if c.Ed == spec.Virtio14 {
		id = "DP-DEV-09"
	}
	all := true
	for i, w := range ws {
		if gu.Status(w.r) != 0 {
			continue
		}
		got, err := g.Disk.Read(w.sector, len(w.data))
		if err == nil && bytes.Equal(got, w.data) {
			c.Asserted++
			continue
		}
		all = false
		c.Errorf(id, "%s, the disk does not hold the data of write %d (sector %d, head %d), which the device completed with status 0 (%v): neither the device parts nor the context carry a write cache, so a destination, which shares the disk, reads the old data",
			when, i+1, w.sector, w.r.Head, err)
	}
	return all
}

// stateFinal names the moment a source's state is final in c's edition.
func stateFinal(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "when DEV_MODE_SET stopped completed"
	}
	return "when the source's Freeze completed"
}
