package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The buffers a device has taken when the owner stops it, judged on what
// the host can read the moment DEV_MODE_SET completes: guest memory (the
// used ring, each request's status byte and data) and, for draft-2023, the
// context.
//
// virtio-1.4 (DP-DEV-09, admin-cmds-device-parts.tex): the device writes
// the descriptors of every observed buffer to driver memory and finishes
// its outstanding PCI transactions before the command completes; no device
// part carries a buffer in flight, so a destination re-derives last_avail
// from used idx. A buffer counts as observed when the device has read both
// its avail-ring entry and its head descriptor (memory read TLPs; an avail
// entry read ahead alone does not make one). Every observed request must
// be in the used ring, complete: status OK, the used length the bytes it
// wrote (data and status byte), an IN's data in its buffer. A used element
// with a failed status would be an I/O error the guest sees; one left for
// after resume is executed again, or lost, on a destination. A write in the
// used ring is on the disk by then (on_disk.go): no part carries a write
// cache. A draft-2023 device may still hold one in Stop, and after a resume
// on the same device; the round trips judge the disk when the source is
// frozen.
//
// draft-2023 (DRAFT-STOP-02): a device touches no driver memory in Stop,
// so what it completed is in guest memory by then, and what it took and did
// not complete is a device-owned descriptor of its context
// (VQ_SPLIT_DEV_OWN_DESC), which is how a destination learns of it. What it
// took is what its context says: the avail entries below last_avail_idx
// (VQ_SPLIT_RUNTIME_CFG), which must list queue 0 and no more than the
// driver posted; a request in the used ring at or above last_avail_idx a
// destination would take again. The context's used_idx is the one in
// guest memory.

func takenTests() []Test {
	return []Test{
		{id: "DP-DEV-09", name: "stop-writes-back-taken-buffers", blk: true, run: takenAtStop},
		{id: "DRAFT-STOP-02", name: "taken-buffers-used-or-owned-at-stop", blk: true, run: takenAtStop},
	}
}

// takenAtStop posts an OUT and an IN request, kicks, lets the device run
// three of its steps (the reference has then executed the OUT and only
// fetched the IN), stops it and judges guest memory, the virtio-1.4 disk
// and the draft context, before any other event; then resumes and checks
// each request completed once with its data.
func takenAtStop(c *harness.Check) {
	g, gu := c.Live()
	reqs := takeTwo(c, g, gu)
	// Interrupts sent while the device ran its steps, before the stop, are
	// a running device's to send (one that completes a request in its
	// fetch step signals it there); only those of the stop count.
	running := len(g.IRQs)
	tag := g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeStop), 0)
	if r, ok := g.Completion(tag); !ok || r.Status != spec.StatusOK {
		c.Fatalf("DEV_MODE_SET %s with requests in flight: completed %v, status %s", c.Ed.ModeName(spec.ModeStop), ok, r.Status)
	}
	if c.Ed == spec.Virtio14 {
		harness.ExpectEq(c, len(g.IRQs)-running, 0, "MSI-X messages while DEV_MODE_SET stopped was answered")
		expectCompletedWritesOnDisk(c, g, gu, []written{{reqs[0], 0, harness.Pattern(1, 512)}}, stateFinal(c))
	}
	taken := observed(g, 0, reqs)
	usedIdx, used := gu.UsedRing(0)
	var owned []devctx.DevOwnDesc
	if c.Ed == spec.Draft2023 {
		var rt devctx.VQSplitRuntimeEntry
		owned, rt = ownedInContext(c, g.State(), 0)
		harness.ExpectEq(c, rt.UsedIdx, usedIdx, "queue 0's used_idx in the context read in Stop against used idx in guest memory")
		c.Expect(int(rt.LastAvailIdx) <= len(reqs), "queue 0's last_avail_idx in the context read in Stop is %d, beyond the %d requests the driver posted", rt.LastAvailIdx, len(reqs))
		for i, r := range reqs {
			taken[i] = uint16(i) < rt.LastAvailIdx
			if _, isUsed := used[r.Head]; isUsed && !taken[i] {
				c.Errorf("", "request %d (head %d) is in the used ring when Stop completed, at or above the context's last_avail_idx %d: a destination would take it again", i+1, r.Head, rt.LastAvailIdx)
			}
			if !taken[i] && ownsHead(owned, 0, r.Head) {
				c.Errorf("", "request %d (head %d) is a device-owned descriptor of the context read in Stop, at or above its last_avail_idx %d: a destination would execute it, then take it again from the avail ring", i+1, r.Head, rt.LastAvailIdx)
			}
		}
	}
	for i, r := range reqs {
		if !taken[i] {
			continue
		}
		ln, isUsed := used[r.Head]
		own := ownsHead(owned, 0, r.Head)
		switch {
		case isUsed && own:
			c.Errorf("", "request %d (head %d) is both in the used ring and a device-owned descriptor of the context: a destination would execute it again", i+1, r.Head)
		case isUsed:
			judgeWrittenBack(c, gu, i, r, ln)
		case c.Ed == spec.Virtio14:
			c.Errorf("", "request %d (head %d), whose avail entry and descriptor the device read, is not in the used ring when DEV_MODE_SET stopped completed (used idx %d)", i+1, r.Head, usedIdx)
		case !own:
			c.Errorf("", "request %d (head %d), below the context's last_avail_idx, is neither in the used ring (used idx %d) nor a device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) when Stop completed", i+1, r.Head, usedIdx)
		}
	}
	g.Quiet()
	g.Run() // what the device asked for before the stop
	harness.ExpectEq(c, len(g.Rec.Accesses), 0, "guest-memory accesses after DEV_MODE_SET "+c.Ed.ModeName(spec.ModeStop)+" completed")
	harness.ExpectEq(c, len(g.IRQs), 0, "MSI-X messages after DEV_MODE_SET "+c.Ed.ModeName(spec.ModeStop)+" completed")
	g.MustMode(spec.ModeActive)
	g.Run()
	c.Expect(gu.Used(0) == 2 && gu.Status(reqs[0]) == 0 && gu.Status(reqs[1]) == 0,
		"after resume: %d requests used (statuses %#x, %#x), want both once with 0", gu.Used(0), gu.Status(reqs[0]), gu.Status(reqs[1]))
	c.ExpectSame(gu.Data(reqs[1]), harness.Pattern(5, 512), "the data the IN request read")
}

// judgeWrittenBack checks a request found in the used ring with used
// length ln: complete, status OK, the IN's data in place.
func judgeWrittenBack(c *harness.Check, gu *harness.Guest, i int, r harness.Request, ln uint32) {
	want := uint32(1)
	if r.Typ == harness.BlkIn {
		want += uint32(r.N)
	}
	c.Expect(ln == want && gu.Status(r) == 0, "request %d (head %d) in the used ring when DEV_MODE_SET %s completed: used length %d and status %#x, want %d and 0",
		i+1, r.Head, gu.Rig.Check.Ed.ModeName(spec.ModeStop), ln, gu.Status(r), want)
	if r.Typ == harness.BlkIn {
		c.ExpectSame(gu.Data(r), harness.Pattern(5, 512), "the data of the IN request in the used ring when DEV_MODE_SET completed")
	}
}

// observed reports, for requests posted in queue q's avail entries 0, 1,
// ..., whether the device read both the entry and the head descriptor (the
// accesses recorded since the last quiet).
func observed(g *harness.Rig, q int, reqs []harness.Request) []bool {
	l := harness.RingAt(q)
	read := func(addr, n uint64) bool {
		for _, a := range g.Rec.Accesses {
			if !a.Write && a.Addr < addr+n && addr < a.Addr+uint64(a.Len) {
				return true
			}
		}
		return false
	}
	seen := make([]bool, len(reqs))
	for i, r := range reqs {
		seen[i] = read(l.Avail+4+2*uint64(i), 2) && read(l.Desc+virtq.DescSize*uint64(r.Head), virtq.DescSize)
	}
	return seen
}

// ownedInContext returns the device-owned descriptors and queue q's
// VQ_SPLIT_RUNTIME_CFG entry of a draft-2023 context; a context without
// that entry fails the check, for a destination would not know where queue
// q resumes.
func ownedInContext(c *harness.Check, state []byte, q int) ([]devctx.DevOwnDesc, devctx.VQSplitRuntimeEntry) {
	var owned []devctx.DevOwnDesc
	var rt devctx.VQSplitRuntimeEntry
	found := false
	for _, f := range harness.DecodeFields(c, state) {
		switch f.Type {
		case spec.FieldVQSplitDevOwnDesc:
			l, err := devctx.DecodeDevOwnDescList(f.Value)
			if err != nil {
				c.Fatalf("VQ_SPLIT_DEV_OWN_DESC: %v", err)
			}
			owned = append(owned, l.Descs...)
		case spec.FieldVQSplitRuntimeCfg:
			l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
			if err != nil {
				c.Fatalf("VQ_SPLIT_RUNTIME_CFG: %v", err)
			}
			for _, e := range l.Queues {
				if int(e.Index) == q {
					rt, found = e, true
				}
			}
		}
	}
	if !found {
		c.Fatalf("the context read in Stop has no VQ_SPLIT_RUNTIME_CFG entry for queue %d: a destination would not know which of its avail entries were taken", q)
	}
	return owned, rt
}

// ownsHead reports whether the context lists queue q's chain at head as a
// device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC).
func ownsHead(owned []devctx.DevOwnDesc, q int, head uint16) bool {
	for _, o := range owned {
		if int(o.Queue) == q && o.Head == head {
			return true
		}
	}
	return false
}

// takeTwo puts a known sector 4 on the disk, submits an OUT of sector 0
// and an IN of sector 4 on queue 0, kicks once and runs the first three
// of the device's steps (the reference has then executed the OUT and
// only fetched the IN): the requests a device has taken but not all
// completed when the test stops it. It returns the two requests.
func takeTwo(c *harness.Check, g *harness.Rig, gu *harness.Guest) []harness.Request {
	if err := g.Disk.Write(4, harness.Pattern(5, 512)); err != nil {
		c.Fatalf("the test disk: %v", err)
	}
	reqs := []harness.Request{gu.Submit(0, harness.BlkOut, 0, harness.Pattern(1, 512), 512), gu.Submit(0, harness.BlkIn, 4, nil, 512)}
	g.Quiet()
	gu.Kick(0)
	for i := 0; i < 3 && len(g.Steps) > 0; i++ {
		s := g.Steps[0]
		g.Steps = g.Steps[1:]
		g.Handle(member.Event{Kind: member.EvStep, Step: s})
	}
	return reqs
}
