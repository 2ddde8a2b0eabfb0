package devicetest

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Migration modes: DEV_MODE_SET and DEV_MODE_GET, and what a device does
// while the owner has it quiesced.

var (
	draftOnly = []spec.Edition{spec.Draft2023}
	v14Only   = []spec.Edition{spec.Virtio14}
)

func modeTests() []Test {
	return []Test{
		{id: "DRAFT-MODE-01", name: "active-at-start", run: func(c *harness.Check) {
			harness.ExpectEq(c, c.NewRig(nil, nil).ModeGet(), spec.ModeActive, "DEV_MODE_GET of a new member")
		}},
		{id: "DRAFT-MODE-02", name: "reserved-modes-refused", also: []string{"ADM-DEV-03"}, run: func(c *harness.Check) {
			g, _ := c.Live()
			before := g.State()
			for _, m := range []byte{3, 0x80, 0xff} {
				r := g.Admin(uint16(spec.DraftOpDevModeSet), []byte{m, 0, 0, 0, 0, 0, 0, 0}, 0)
				c.Expect(r.Status == spec.StatusEINVAL && r.Qualifier == spec.QInvalidField,
					"DEV_MODE_SET to mode %d: %s/%s, want EINVAL/INVALID_FIELD", m, r.Status, r.Qualifier)
			}
			harness.ExpectEq(c, g.ModeGet(), spec.ModeActive, "DEV_MODE_GET after the refusals")
			expectSameState(c, g.State(), before, "the context read back after the refusals")
		}},
		{id: "DRAFT-MODE-03", name: "repeat-and-direct-freeze", judges: harness.StepModeSet, run: func(c *harness.Check) {
			for _, m := range c.Ed.Modes() {
				g := c.NewRig(nil, nil)
				g.MustMode(m)
				r := g.ModeSet(m)
				c.Expect(r.Status == spec.StatusOK, "DEV_MODE_SET %s twice: %s/%s the second time, want OK", m, r.Status, r.Qualifier)
			}
		}},
		{id: "DRAFT-MODE-03", name: "strict-chain", knobs: []string{"transitions=strict-chain"}, judges: harness.StepModeSet, run: func(c *harness.Check) {
			g := c.NewRig(nil, nil)
			r := g.ModeSet(spec.ModeFreeze)
			c.Expect(r.Status == spec.StatusEINVAL, "Active to Freeze with transitions=strict-chain: %s/%s, want EINVAL", r.Status, r.Qualifier)
			harness.ExpectEq(c, g.ModeGet(), spec.ModeActive, "DEV_MODE_GET after the refused Active to Freeze")
			g.MustMode(spec.ModeStop)
			g.MustMode(spec.ModeFreeze)
		}},
		{id: "DRAFT-MODE-04", name: "mode-get-follows-mode-set", run: func(c *harness.Check) {
			g, _ := c.Live()
			for _, m := range []spec.Mode{spec.ModeStop, spec.ModeFreeze, spec.ModeStop, spec.ModeActive, spec.ModeFreeze, spec.ModeActive} {
				g.MustMode(m)
				harness.ExpectEq(c, g.ModeGet(), m, "DEV_MODE_GET after DEV_MODE_SET "+m.String())
			}
		}},
		{id: "DP-DEV-13", name: "repeat-stop-and-resume", judges: harness.StepModeSet, run: func(c *harness.Check) {
			g, gu := c.Live()
			for _, m := range []spec.Mode{spec.ModeStop, spec.ModeStop, spec.ModeActive, spec.ModeActive} {
				g.MustMode(m)
			}
			serves(c, g, gu, "stop, stop, resume, resume")
		}},
	}
}

// quiesced delivers, in mode m, a doorbell for a posted request, every
// internal step a device may have asked for, and a host-side event — a
// virtio-blk disk resize, or a frame arriving on a virtio-net device's
// port with a receive buffer posted on receiveq1 before the move — and
// returns the memory accesses and the interrupts that followed, with the
// event the first interrupt followed ("; the first: vector 0, after the
// disk resize"; "" for none), so that the device's implementer knows which
// handler sent it.
func quiesced(c *harness.Check, m spec.Mode) (dma []virtq.Access, irqs int, firstIRQ string) {
	g, gu := c.Live()
	gu.PostWork(1)
	if c.Net {
		gu.PostRx(0, 2048)
		gu.Kick(0)
		g.Run()
	}
	g.MustMode(m)
	g.Run()
	g.Quiet()
	after := func(what string) {
		if firstIRQ == "" && len(g.IRQs) > 0 {
			firstIRQ = fmt.Sprintf("; the first: vector %d, after the %s", g.IRQs[0].Vector, what)
		}
	}
	gu.Kick(gu.WorkQueue())
	after("doorbell")
	for _, k := range []member.StepKind{member.StepFetch, member.StepExecute, member.StepComplete, member.StepDeliverHeld} {
		g.Handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: k}})
		after(k.String() + " step")
	}
	g.Run()
	after("steps the device asked for")
	if c.Net {
		g.Receive(7, 100) // a stopped device touches no receive buffer
		after("frame arriving")
	} else {
		g.Disk.Resize(2048)
		g.Handle(member.Event{Kind: member.EvBackend})
		g.Run()
		after("disk resize")
	}
	return slices.Clone(g.Rec.Accesses), len(g.IRQs), firstIRQ
}

// quiescedEvents names what quiesced delivers in the quiesced mode.
func quiescedEvents(c *harness.Check) string {
	if c.Net {
		return "doorbell, stray steps, a frame arriving for receiveq1"
	}
	return "doorbell, stray steps, disk resize"
}

// servedAfter posts a request, kicks it in mode m, resumes and reports how
// many requests completed and the status.
func servedAfter(c *harness.Check, m spec.Mode) (used uint16, status byte) {
	g, gu := c.Live()
	g.MustMode(m)
	r := gu.PostWork(3)
	q := gu.WorkQueue()
	gu.Kick(q)
	g.Run()
	g.MustMode(spec.ModeActive)
	g.Run()
	if gu.Done(r) {
		return gu.Used(q), 0
	}
	return gu.Used(q), gu.Status(r)
}

func quiesceTests() []Test {
	return []Test{
		{id: "DRAFT-STOP-01", name: "no-interrupt-in-stop", run: func(c *harness.Check) {
			_, irqs, first := quiesced(c, spec.ModeStop)
			harness.ExpectEq(c, irqs, 0, "MSI-X messages in Stop ("+quiescedEvents(c)+first+")")
		}},
		{id: "DRAFT-STOP-02", name: "no-dma-in-stop", run: func(c *harness.Check) {
			dma, _, _ := quiesced(c, spec.ModeStop)
			harness.ExpectEq(c, len(dma), 0, "guest-memory accesses in Stop ("+quiescedEvents(c)+harness.FirstAccess(c, dma)+")")
		}},
		{id: "DP-DEV-11", name: "no-dma-no-interrupt-stopped", run: func(c *harness.Check) {
			dma, irqs, first := quiesced(c, spec.ModeStop)
			harness.ExpectEq(c, len(dma), 0, "guest-memory accesses while stopped ("+quiescedEvents(c)+harness.FirstAccess(c, dma)+")")
			harness.ExpectEq(c, irqs, 0, "MSI-X messages while stopped ("+quiescedEvents(c)+first+")")
		}},
		{id: "DRAFT-FRZ-01", name: "doorbell-in-freeze-dropped", run: func(c *harness.Check) {
			dma, irqs, first := quiesced(c, spec.ModeFreeze)
			harness.ExpectEq(c, len(dma)+irqs, 0, "guest-memory accesses and MSI-X messages in Freeze ("+quiescedEvents(c)+harness.FirstAccess(c, dma)+first+")")
			used, _ := servedAfter(c, spec.ModeFreeze)
			harness.ExpectEq(c, used, 0, "requests served at Active after a doorbell in Freeze (freeze-notify=drop)")
		}},
		{id: "DRAFT-FRZ-01", name: "doorbell-in-freeze-latched", knobs: []string{"freeze-notify=latch"}, run: func(c *harness.Check) {
			used, st := servedAfter(c, spec.ModeFreeze)
			c.Expect(used == 1 && st == 0, "a doorbell in Freeze with freeze-notify=latch: served %d times (status %#x), want once with 0", used, st)
		}},
		{id: "DRAFT-STOP-03", name: "doorbell-in-stop-served", run: func(c *harness.Check) {
			used, st := servedAfter(c, spec.ModeStop)
			c.Expect(used == 1 && st == 0, "a doorbell in Stop: served %d times at Active (status %#x), want once with 0", used, st)
			g, gu := c.Live()
			r := gu.PostWork(4)
			q := gu.WorkQueue()
			gu.Kick(q) // received in Active, not served yet
			g.MustMode(spec.ModeStop)
			g.Quiet()
			g.Run()
			harness.ExpectEq(c, len(g.Rec.Accesses), 0, "guest-memory accesses in Stop of a doorbell received in Active")
			g.MustMode(spec.ModeActive)
			g.Run()
			c.Expect(gu.Used(q) == 1 && gu.Done(r), "a doorbell received in Active and not served before Stop: served %d times at Active, want once", gu.Used(q))
		}},
		{id: "DP-DEV-10", name: "doorbell-while-stopped-served", run: func(c *harness.Check) {
			used, st := servedAfter(c, spec.ModeStop)
			c.Expect(used == 1 && st == 0, "a doorbell while stopped: served %d times at resume (status %#x), want once with 0", used, st)
		}},
		{id: "DRAFT-STOP-03", name: "config-write-in-stop-applies", blk: true, editions: draftOnly, run: configWriteInStop(true)},
		{id: "DP-DEV-10", name: "config-write-while-stopped-applies", blk: true, editions: v14Only, run: configWriteInStop(true)},
		{id: "DP-DEV-10", name: "config-write-while-stopped-ignored", blk: true, editions: v14Only, knobs: []string{"stop-config-write=ignore"}, run: configWriteInStop(false)},
		{id: "DRAFT-FRZ-02", name: "context-frozen", blk: true, run: func(c *harness.Check) {
			g, gu := c.Live()
			g.MustMode(spec.ModeFreeze)
			before := g.State()
			gu.Submit(0, harness.BlkOut, 0, harness.Pattern(1, 512), 512)
			gu.Kick(0)
			g.Write(blkConfig(harness.BlkCfgWriteback), []byte{0})
			g.Disk.Resize(4096)
			g.Handle(member.Event{Kind: member.EvBackend})
			g.Run()
			expectSameState(c, g.State(), before, "the context read in Freeze after a doorbell, a configuration write and a disk resize")
			g.Quiet()
			g.MustMode(spec.ModeActive)
			g.Run()
			harness.ExpectEq(c, le64(g.Read(blkConfig(harness.BlkCfgCapacity), 8)), 4096, "capacity shown after the move to Active (the resize seen in Freeze)")
			c.Expect(hasVector(g.IRQs, 0), "no configuration-change interrupt (vector 0) after the move to Active for the resize seen in Freeze")
		}},
		{id: "DRAFT-FRZ-03", name: "config-write-ignored-in-freeze", blk: true, run: func(c *harness.Check) {
			g, _ := c.Live()
			start := g.Writeback()
			flip := harness.WritebackFlipped(start)
			g.MustMode(spec.ModeFreeze)
			g.Write(blkConfig(harness.BlkCfgWriteback), []byte{flip})
			c.ExpectSame(g.Read(blkConfig(harness.BlkCfgWriteback), 1), []byte{start}, fmt.Sprintf("writeback read back in Freeze after writing %d (it read %d before)", flip, start))
			g.MustMode(spec.ModeActive)
			c.ExpectSame(g.Read(blkConfig(harness.BlkCfgWriteback), 1), []byte{start}, fmt.Sprintf("writeback read back at Active after writing %d in Freeze (it read %d before)", flip, start))
		}},
	}
}

// configWriteInStop checks a device-configuration write while stopped:
// writeback written with the other cache mode than it shows must then read
// the value written when the write applies, the value before when the
// device ignores it (stop-config-write=ignore). A device that does not
// offer VIRTIO_BLK_F_CONFIG_WCE skips it (harness.Rig.Writeback).
func configWriteInStop(applies bool) func(*harness.Check) {
	return func(c *harness.Check) {
		g, _ := c.Live()
		start := g.Writeback()
		flip := harness.WritebackFlipped(start)
		want := flip
		if !applies {
			want = start
		}
		g.MustMode(spec.ModeStop)
		g.Write(blkConfig(harness.BlkCfgWriteback), []byte{flip})
		c.ExpectSame(g.Read(blkConfig(harness.BlkCfgWriteback), 1), []byte{want},
			fmt.Sprintf("writeback read back after writing %d while %s (it read %d before)", flip, c.Ed.ModeName(spec.ModeStop), start))
	}
}

// blkConfig is the BAR0 offset of a virtio_blk_config field.
func blkConfig(off uint64) uint64 { return pcie.BAR0DeviceCfg + off }

// hasVector reports an MSI-X message of vector v.
func hasVector(irqs []pcie.MSIXMessage, v uint16) bool {
	for _, m := range irqs {
		if m.Vector == v {
			return true
		}
	}
	return false
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(append(b, make([]byte, 8)...)) }
