package devicetest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Round trips that judge what the destination restored, beyond the
// requests of round-trip-mid-workload: a ring whose indices have wrapped
// past the queue size with a request the source had taken and not
// finished, and the registers the driver programmed.
//
// The split virtqueue's avail and used indices are free-running 16-bit
// counters that wrap at 65536, not at the queue size (virtio spec, "The
// Virtqueue Available Ring", "The Virtqueue Used Ring"): a device that
// saves or restores them modulo the queue size, or derives one from the
// other, runs only after the driver has posted a queue's worth of
// requests. A draft-2023 destination gets the requests the source took
// and did not complete as device-owned descriptors
// (VQ_SPLIT_DEV_OWN_DESC) and walks their chains again; a virtio-1.4
// source wrote them back at the stop (DP-DEV-09). The registers a driver
// programmed (driver_feature, the MSI-X vectors, every queue's size,
// enable and addresses, and, in draft-2023, the cache mode of
// virtio_blk_config that DEV_CFG carries) read back the same on the
// destination: the guest does not program them again.

func movedTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-01", name: "round-trip-wrapped-ring-taken-request", blk: true, also: []string{"DRAFT-STOP-02"}, run: roundTripWrapped},
		{id: "DP-DEV-08", name: "round-trip-wrapped-ring-taken-request", blk: true, also: []string{"DP-DEV-09"}, run: roundTripWrapped},
		{id: "DRAFT-CTX-01", name: "registers-read-back-after-move", run: registersAfterMove},
		{id: "DP-DEV-08", name: "registers-read-back-after-move", run: registersAfterMove},
	}
}

// roundTripWrapped completes more requests than queue 0 holds, one at a
// time, so that its indices have wrapped past the queue size; then posts
// an OUT and an IN request, lets the device run three of its steps (the
// reference has then executed the OUT and only fetched the IN), stops it
// and moves it. On the destination a last IN request reads both sectors
// back: every request completes once, in a used ring whose index counts
// every request the guest posted.
func roundTripWrapped(c *harness.Check) {
	src, gu := c.Live()
	n := gu.QueueSize() + 3
	var last harness.Request
	for i := 0; i < n; i++ {
		w := gu.Submit(0, harness.BlkOut, 8, harness.Pattern(100+i, 512), 512)
		gu.Kick(0)
		src.Run()
		if used, err := gu.Harvest(0); err != nil || len(used) != 1 || gu.Status(w) != 0 {
			c.Fatalf("write %d of %d before the move: not completed with status 0 (status %#x, used idx %d)", i+1, n, gu.Status(w), gu.Used(0))
		}
		last = w
	}
	reqs := takeTwo(c, src, gu)
	src.MustMode(spec.ModeStop)
	src.Run()
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	onDisk := expectCompletedWritesOnDisk(c, src, gu, []written{{last, 8, harness.Pattern(100+n-1, 512)}, {reqs[0], 0, harness.Pattern(1, 512)}}, stateFinal(c))
	atStop := gu.Used(0)
	if c.Ed == spec.Draft2023 && !savedIndices(c, src, gu, atStop, uint16(n), reqs) {
		return // a destination given those indices is not to blame
	}
	dst := c.MoveTo(src, gu)
	moved := gu.Used(0)
	c.Expect(moved-atStop <= 2, "used index on the destination once it resumed: %d, %d when the source stopped: it may grow by the two requests in flight at the stop, never go back (a used index the guest reads going back is a corrupt ring to a driver)",
		moved, atStop)
	r := gu.Submit(0, harness.BlkIn, 0, nil, 512*9)
	gu.Kick(0)
	dst.Run()
	want := uint16(n + 3)
	c.Expect(gu.Used(0) == want, "used index on the destination: %d, want %d (the %d requests before the move, the two in flight at the stop and the read after it, each once; the index wraps at 65536, not at the queue size %d)",
		gu.Used(0), want, n, gu.QueueSize())
	// virtio-1.4's source wrote the two in flight back at the stop
	// (DP-DEV-09): a destination never sees them.
	atStopID := ""
	if c.Ed == spec.Virtio14 {
		atStopID = "DP-DEV-09"
	}
	for i, w := range []harness.Request{reqs[0], reqs[1], r} {
		id := atStopID
		if i == 2 {
			id = ""
		}
		if gu.Status(w) != 0 {
			c.Errorf(id, "request %d of the three in flight at the stop or after it: status %#x, want 0", i+1, gu.Status(w))
		} else {
			c.Asserted++
		}
	}
	used, err := gu.Harvest(0)
	heads := make([]uint32, len(used))
	for i, u := range used {
		heads[i] = u.ID
	}
	c.Expect(err == nil && len(used) == 3, "the used elements the destination published name heads %v (%v), want each of %d, %d and %d once: a used element for a head the guest has no request outstanding at is a request the destination took again",
		heads, err, reqs[0].Head, reqs[1].Head, r.Head)
	if got := gu.Data(reqs[1]); !bytes.Equal(got, harness.Pattern(5, 512)) {
		c.Errorf(atStopID, "%s", harness.SameMessage("the data the IN request in flight at the stop read", got, harness.Pattern(5, 512)))
	} else {
		c.Asserted++
	}
	if onDisk { // else the source lost them: the destination reads the disk it was given
		got := gu.Data(r)
		c.ExpectSame(got[:512], harness.Pattern(1, 512), "sector 0 read on the destination (the OUT request in flight at the stop)")
		c.ExpectSame(got[8*512:], harness.Pattern(100+n-1, 512), "sector 8 read on the destination (the last write before the move)")
	}
}

// savedIndices judges queue 0 in the context a draft-2023 source gives in
// Freeze: used_idx as guest memory shows it (usedIdx), last_avail_idx at
// most the requests in flight (inFlight, posted at avail index first on)
// ahead, and each of them it took (below last_avail_idx) a device-owned
// descriptor. A used_idx up to two ahead counts completions guest memory
// does not show, writes still to land after Stop or lost, and a request
// taken and not owned is lost: DRAFT-STOP-02 forbids both, as the tests of
// taken buffers judge. Any other value is an index saved wrong, the round
// trip's own requirement. A destination given such a context is not
// judged.
func savedIndices(c *harness.Check, src *harness.Rig, gu *harness.Guest, usedIdx, first uint16, inFlight []harness.Request) bool {
	owned, rt := ownedInContext(c, src.State(), 0)
	if ahead := rt.UsedIdx - usedIdx; ahead > 0 && ahead <= uint16(len(inFlight)) {
		c.Errorf("DRAFT-STOP-02", "queue 0's used_idx in the context read in Freeze is %d, %d ahead of used idx %d in guest memory: completions the guest never sees, written after Stop completed or not at all",
			rt.UsedIdx, ahead, usedIdx)
		return false
	}
	if rt.UsedIdx != usedIdx || rt.LastAvailIdx-usedIdx > uint16(len(inFlight)) {
		c.Errorf("", "queue 0 in the context read in Freeze: used_idx %d and last_avail_idx %d, with used idx %d in guest memory and %d requests posted: the indices are free-running and wrap at 65536, not at the queue size %d",
			rt.UsedIdx, rt.LastAvailIdx, usedIdx, int(first)+len(inFlight), gu.QueueSize())
		return false
	}
	ok := true
	for i, r := range inFlight {
		idx := first + uint16(i)
		if idx-usedIdx < rt.LastAvailIdx-usedIdx && !ownsHead(owned, 0, r.Head) {
			c.Errorf("DRAFT-STOP-02", "request %d in flight at the stop (head %d, avail index %d), below the context's last_avail_idx %d, is neither in the used ring (used idx %d) nor a device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) in the context read in Freeze: a destination never executes it",
				i+1, r.Head, idx, rt.LastAvailIdx, usedIdx)
			ok = false
		}
	}
	if ok {
		c.Asserted++
	}
	return ok
}

// register is one register a driver programs and reads back.
type register struct {
	name string
	read func(g *harness.Rig) uint64
}

// programmedRegisters are the registers the test guest programmed on a
// device with queues live queues: read with the selects they need, which
// are put back as they were. wce adds virtio_blk_config's writeback.
func programmedRegisters(live int, wce bool) []register {
	selected := func(sel spec.CommonCfgField, v uint64, f spec.CommonCfgField) func(g *harness.Rig) uint64 {
		return func(g *harness.Rig) uint64 {
			old := g.CommonRead(sel)
			g.Common(sel, v)
			got := g.CommonRead(f)
			g.Common(sel, old)
			return got
		}
	}
	regs := []register{
		{"driver_feature_select", func(g *harness.Rig) uint64 { return g.CommonRead(spec.CfgDriverFeatureSelect) }},
		{"queue_select", func(g *harness.Rig) uint64 { return g.CommonRead(spec.CfgQueueSelect) }},
		{"driver_feature (select 0)", selected(spec.CfgDriverFeatureSelect, 0, spec.CfgDriverFeature)},
		{"driver_feature (select 1)", selected(spec.CfgDriverFeatureSelect, 1, spec.CfgDriverFeature)},
		{"config_msix_vector", func(g *harness.Rig) uint64 { return g.CommonRead(spec.CfgConfigMSIXVector) }},
		{"device_status", func(g *harness.Rig) uint64 { return g.CommonRead(spec.CfgDeviceStatus) }},
	}
	for q := 0; q < live; q++ {
		for _, f := range []struct {
			name  string
			field spec.CommonCfgField
		}{
			{"queue_size", spec.CfgQueueSize}, {"queue_msix_vector", spec.CfgQueueMSIXVector}, {"queue_enable", spec.CfgQueueEnable},
			{"queue_desc_lo", spec.CfgQueueDescLo}, {"queue_desc_hi", spec.CfgQueueDescHi},
			{"queue_driver_lo", spec.CfgQueueDriverLo}, {"queue_driver_hi", spec.CfgQueueDriverHi},
			{"queue_device_lo", spec.CfgQueueDeviceLo}, {"queue_device_hi", spec.CfgQueueDeviceHi},
		} {
			regs = append(regs, register{fmt.Sprintf("queue %d's %s", q, f.name), selected(spec.CfgQueueSelect, uint64(q), f.field)})
		}
	}
	if wce {
		regs = append(regs, register{"virtio_blk_config writeback", func(g *harness.Rig) uint64 {
			return uint64(g.Read(pcie.BAR0DeviceCfg+harness.BlkCfgWriteback, 1)[0])
		}})
	}
	return regs
}

// registersAfterMove brings a device up, reads back every register the
// guest programmed (in draft-2023 after writing the other cache mode than
// the device shows, when it offers VIRTIO_BLK_F_CONFIG_WCE), moves it and
// reads them on the destination: each reads the same. virtio-1.4's device
// parts carry no virtio_blk_config, so its cache mode is not judged there.
func registersAfterMove(c *harness.Check) {
	src, gu := c.Live()
	wce := !c.Net && c.Ed == spec.Draft2023 && spec.Features(src.Offered()).Has(spec.FeatureBlkConfigWCE)
	if wce {
		wb := src.Read(pcie.BAR0DeviceCfg+harness.BlkCfgWriteback, 1)[0]
		src.Write(pcie.BAR0DeviceCfg+harness.BlkCfgWriteback, []byte{harness.WritebackFlipped(wb)})
	}
	live := 1
	if c.Net {
		live = 2
	}
	regs := programmedRegisters(live, wce)
	before := make([]uint64, len(regs))
	for i, r := range regs {
		before[i] = r.read(src)
	}
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	dst := c.MoveTo(src, gu)
	var differ []string
	for i, r := range regs {
		if got := r.read(dst); got != before[i] {
			differ = append(differ, fmt.Sprintf("%s reads %#x, %#x on the source", r.name, got, before[i]))
		}
	}
	c.Expect(len(differ) == 0, "registers the driver programmed read differently on the destination: %s", strings.Join(differ, "; "))
}
