package devicetest

import (
	"encoding/binary"
	"fmt"
	"slices"

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
		{id: "DRAFT-MODE-01", name: "active-at-start", run: func(c *check) {
			expectEq(c, c.newRig(nil, nil).modeGet(), spec.ModeActive, "DEV_MODE_GET of a new member")
		}},
		{id: "DRAFT-MODE-02", name: "reserved-modes-refused", also: []string{"ADM-DEV-03"}, run: func(c *check) {
			g, _ := c.live()
			before := g.state()
			for _, m := range []byte{3, 0x80, 0xff} {
				r := g.admin(uint16(spec.DraftOpDevModeSet), []byte{m, 0, 0, 0, 0, 0, 0, 0}, 0)
				c.expect(r.Status == spec.StatusEINVAL && r.Qualifier == spec.QInvalidField,
					"DEV_MODE_SET to mode %d: %s/%s, want EINVAL/INVALID_FIELD", m, r.Status, r.Qualifier)
			}
			expectEq(c, g.modeGet(), spec.ModeActive, "DEV_MODE_GET after the refusals")
			c.expectSame(g.state(), before, "the context read back after the refusals")
		}},
		{id: "DRAFT-MODE-03", name: "repeat-and-direct-freeze", judges: stepModeSet, run: func(c *check) {
			for _, m := range c.ed.Modes() {
				g := c.newRig(nil, nil)
				g.mustMode(m)
				r := g.modeSet(m)
				c.expect(r.Status == spec.StatusOK, "DEV_MODE_SET %s twice: %s/%s the second time, want OK", m, r.Status, r.Qualifier)
			}
		}},
		{id: "DRAFT-MODE-03", name: "strict-chain", knobs: []string{"transitions=strict-chain"}, judges: stepModeSet, run: func(c *check) {
			g := c.newRig(nil, nil)
			r := g.modeSet(spec.ModeFreeze)
			c.expect(r.Status == spec.StatusEINVAL, "Active to Freeze with transitions=strict-chain: %s/%s, want EINVAL", r.Status, r.Qualifier)
			expectEq(c, g.modeGet(), spec.ModeActive, "DEV_MODE_GET after the refused Active to Freeze")
			g.mustMode(spec.ModeStop)
			g.mustMode(spec.ModeFreeze)
		}},
		{id: "DRAFT-MODE-04", name: "mode-get-follows-mode-set", run: func(c *check) {
			g, _ := c.live()
			for _, m := range []spec.Mode{spec.ModeStop, spec.ModeFreeze, spec.ModeStop, spec.ModeActive, spec.ModeFreeze, spec.ModeActive} {
				g.mustMode(m)
				expectEq(c, g.modeGet(), m, "DEV_MODE_GET after DEV_MODE_SET "+m.String())
			}
		}},
		{id: "DP-DEV-13", name: "repeat-stop-and-resume", judges: stepModeSet, run: func(c *check) {
			g, gu := c.live()
			for _, m := range []spec.Mode{spec.ModeStop, spec.ModeStop, spec.ModeActive, spec.ModeActive} {
				g.mustMode(m)
			}
			serves(c, g, gu, "stop, stop, resume, resume")
		}},
	}
}

// quiesced delivers, in mode m, a doorbell for a posted request, every
// internal step a device may have asked for, and a host-side event — a
// virtio-blk disk resize, or a frame arriving on a virtio-net device's
// port with a receive buffer posted on receiveq1 before the move — and
// returns the memory accesses and the number of interrupts that followed.
func quiesced(c *check, m spec.Mode) (dma []virtq.Access, irqs int) {
	g, gu := c.live()
	gu.postWork(1)
	if c.net {
		gu.postRx(0, 2048)
		gu.kick(0)
		g.run()
	}
	g.mustMode(m)
	g.run()
	g.quiet()
	gu.kick(gu.workQueue())
	for _, k := range []member.StepKind{member.StepFetch, member.StepExecute, member.StepComplete, member.StepDeliverHeld} {
		g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: k}})
	}
	g.run()
	if c.net {
		g.receive(7, 100) // a stopped device touches no receive buffer
	} else {
		g.disk.Resize(2048)
		g.handle(member.Event{Kind: member.EvBackend})
		g.run()
	}
	return slices.Clone(g.rec.Accesses), len(g.irqs)
}

// quiescedEvents names what quiesced delivers in the quiesced mode.
func quiescedEvents(c *check) string {
	if c.net {
		return "doorbell, stray steps, a frame arriving for receiveq1"
	}
	return "doorbell, stray steps, disk resize"
}

// servedAfter posts a request, kicks it in mode m, resumes and reports how
// many requests completed and the status.
func servedAfter(c *check, m spec.Mode) (used uint16, status byte) {
	g, gu := c.live()
	g.mustMode(m)
	r := gu.postWork(3)
	q := gu.workQueue()
	gu.kick(q)
	g.run()
	g.mustMode(spec.ModeActive)
	g.run()
	if gu.done(r) {
		return gu.used(q), 0
	}
	return gu.used(q), gu.status(r)
}

func quiesceTests() []Test {
	return []Test{
		{id: "DRAFT-STOP-01", name: "no-interrupt-in-stop", run: func(c *check) {
			_, irqs := quiesced(c, spec.ModeStop)
			expectEq(c, irqs, 0, "MSI-X messages in Stop ("+quiescedEvents(c)+")")
		}},
		{id: "DRAFT-STOP-02", name: "no-dma-in-stop", run: func(c *check) {
			dma, _ := quiesced(c, spec.ModeStop)
			expectEq(c, len(dma), 0, "guest-memory accesses in Stop ("+quiescedEvents(c)+firstAccess(c, dma)+")")
		}},
		{id: "DP-DEV-11", name: "no-dma-no-interrupt-stopped", run: func(c *check) {
			dma, irqs := quiesced(c, spec.ModeStop)
			expectEq(c, len(dma), 0, "guest-memory accesses while stopped ("+quiescedEvents(c)+firstAccess(c, dma)+")")
			expectEq(c, irqs, 0, "MSI-X messages while stopped ("+quiescedEvents(c)+")")
		}},
		{id: "DRAFT-FRZ-01", name: "doorbell-in-freeze-dropped", run: func(c *check) {
			dma, irqs := quiesced(c, spec.ModeFreeze)
			expectEq(c, len(dma)+irqs, 0, "guest-memory accesses and MSI-X messages in Freeze ("+quiescedEvents(c)+firstAccess(c, dma)+")")
			used, _ := servedAfter(c, spec.ModeFreeze)
			expectEq(c, used, 0, "requests served at Active after a doorbell in Freeze (freeze-notify=drop)")
		}},
		{id: "DRAFT-FRZ-01", name: "doorbell-in-freeze-latched", knobs: []string{"freeze-notify=latch"}, run: func(c *check) {
			used, st := servedAfter(c, spec.ModeFreeze)
			c.expect(used == 1 && st == 0, "a doorbell in Freeze with freeze-notify=latch: served %d times (status %#x), want once with 0", used, st)
		}},
		{id: "DRAFT-STOP-03", name: "doorbell-in-stop-served", run: func(c *check) {
			used, st := servedAfter(c, spec.ModeStop)
			c.expect(used == 1 && st == 0, "a doorbell in Stop: served %d times at Active (status %#x), want once with 0", used, st)
			g, gu := c.live()
			r := gu.postWork(4)
			q := gu.workQueue()
			gu.kick(q) // received in Active, not served yet
			g.mustMode(spec.ModeStop)
			g.quiet()
			g.run()
			expectEq(c, len(g.rec.Accesses), 0, "guest-memory accesses in Stop of a doorbell received in Active")
			g.mustMode(spec.ModeActive)
			g.run()
			c.expect(gu.used(q) == 1 && gu.done(r), "a doorbell received in Active and not served before Stop: served %d times at Active, want once", gu.used(q))
		}},
		{id: "DP-DEV-10", name: "doorbell-while-stopped-served", run: func(c *check) {
			used, st := servedAfter(c, spec.ModeStop)
			c.expect(used == 1 && st == 0, "a doorbell while stopped: served %d times at resume (status %#x), want once with 0", used, st)
		}},
		{id: "DRAFT-STOP-03", name: "config-write-in-stop-applies", blk: true, editions: draftOnly, run: configWriteInStop(1, 0)},
		{id: "DP-DEV-10", name: "config-write-while-stopped-applies", blk: true, editions: v14Only, run: configWriteInStop(1, 0)},
		{id: "DP-DEV-10", name: "config-write-while-stopped-ignored", blk: true, editions: v14Only, knobs: []string{"stop-config-write=ignore"}, run: configWriteInStop(1, 1)},
		{id: "DRAFT-FRZ-02", name: "context-frozen", blk: true, run: func(c *check) {
			g, gu := c.live()
			g.mustMode(spec.ModeFreeze)
			before := g.state()
			gu.submit(0, blkOut, 0, pattern(1, 512), 512)
			gu.kick(0)
			g.write(blkConfig(blkCfgWriteback), []byte{0})
			g.disk.Resize(4096)
			g.handle(member.Event{Kind: member.EvBackend})
			g.run()
			c.expectSame(g.state(), before, "the context read in Freeze after a doorbell, a configuration write and a disk resize")
			g.quiet()
			g.mustMode(spec.ModeActive)
			g.run()
			expectEq(c, le64(g.read(blkConfig(blkCfgCapacity), 8)), 4096, "capacity shown after the move to Active (the resize seen in Freeze)")
			c.expect(hasVector(g.irqs, 0), "no configuration-change interrupt (vector 0) after the move to Active for the resize seen in Freeze")
		}},
		{id: "DRAFT-FRZ-03", name: "config-write-ignored-in-freeze", blk: true, run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeFreeze)
			g.write(blkConfig(blkCfgWriteback), []byte{0})
			c.expectSame(g.read(blkConfig(blkCfgWriteback), 1), []byte{1}, "writeback read back in Freeze after writing 0")
			g.mustMode(spec.ModeActive)
			c.expectSame(g.read(blkConfig(blkCfgWriteback), 1), []byte{1}, "writeback read back at Active after writing 0 in Freeze")
		}},
	}
}

// configWriteInStop checks a device-configuration write while stopped: a
// live device shows writeback=start; after writing 0 while stopped it
// must read want.
func configWriteInStop(start, want byte) func(*check) {
	return func(c *check) {
		g, _ := c.live()
		c.expectSame(g.read(blkConfig(blkCfgWriteback), 1), []byte{start}, "writeback of a live device")
		g.mustMode(spec.ModeStop)
		g.write(blkConfig(blkCfgWriteback), []byte{0})
		c.expectSame(g.read(blkConfig(blkCfgWriteback), 1), []byte{want}, fmt.Sprintf("writeback read back after writing 0 while %s", c.ed.ModeName(spec.ModeStop)))
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
