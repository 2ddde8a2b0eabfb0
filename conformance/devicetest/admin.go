package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Admin commands and the transport: statuses, no side effects of a
// refused command, the 64-bit register halves, reset, registers while
// quiesced.

// refuse sends a command the device must refuse: in Active, a reserved
// mode (draft-2023; DRAFT-MODE-02: EINVAL/INVALID_FIELD); stopped, a
// DEV_PARTS_SET whose part is a byte shorter than the device's (virtio-1.4;
// DP-DEV-05: "an error", no status named), after which it resumes the
// member only when resume is set. DEV_PARTS_SET while running is not one:
// the device parts text says a device SHOULD refuse it (DP-DEV-04), which
// DP-DEV-04's own tests judge, so a device that accepts it breaks no MUST
// here. before is the state read back just before the command.
func (g *rig) refuse() (what string, before []byte, status spec.Status, qual spec.Qualifier) {
	if g.c.ed == spec.Draft2023 {
		before = g.state()
		c := g.admin(uint16(spec.DraftOpDevModeSet), []byte{3, 0, 0, 0, 0, 0, 0, 0}, 0)
		return "DEV_MODE_SET to reserved mode 3", before, c.Status, c.Qualifier
	}
	g.mustMode(spec.ModeStop)
	before = g.state()
	c := g.partsSet(devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31))}))
	return "DEV_PARTS_SET (stopped) of a 31-byte VQ_CFG part", before, c.Status, c.Qualifier
}

// serves checks that the device still serves the guest's work: it
// completes once (a block request with status OK).
func serves(c *check, g *rig, gu *guest, what string) {
	q := gu.workQueue()
	before := gu.used(q)
	r := gu.postWork(9)
	gu.kick(q)
	g.run()
	c.expect(gu.used(q) == before+1 && gu.done(r), "%s: a request afterwards completes %d times (done well: %v), want once",
		what, gu.used(q)-before, gu.done(r))
}

func adminTests() []Test {
	return []Test{
		{id: "ADM-DEV-02", name: "status-and-qualifier", run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeActive) // admin checks the qualifier of every success
			what, _, st, _ := g.refuse()
			c.expect(st != spec.StatusOK, "%s: status OK, want a failure status", what)
		}},
		{id: "ADM-DEV-02", also: []string{"DP-DEV-04", "DP-DEV-05"}, name: "refusals-einval-qualifier", editions: v14Only, run: refusalQualifiers},
		{id: "ADM-DEV-03", name: "refused-command-no-side-effects", also: []string{"DP-DEV-08"}, run: func(c *check) {
			g, gu := c.live()
			what, before, st, q := g.refuse()
			switch {
			case st == spec.StatusEINVAL:
				c.expectSame(g.state(), before, what+": the state read back after the refusal")
			case c.ed == spec.Draft2023:
				// DRAFT-MODE-02 fixes the status: EINVAL.
				c.errorf("", "%s: %s/%s, want EINVAL", what, st, q)
				c.expectSame(g.state(), before, what+": the state read back after the refusal")
			case st != spec.StatusOK:
				// Another failure than EINVAL: ADM-DEV-03 does not
				// apply, a failed DEV_PARTS_SET's lack of side effects
				// is DP-DEV-08's.
				if got := g.state(); !bytes.Equal(got, before) {
					c.errorf("DP-DEV-08", "%s: failed %s/%s, but the state read back after it changed (first difference at byte %d)",
						what, st, q, firstDiff(got, before))
				}
			}
			// An accepted command is ADM-DEV-02's failure (and DP-DEV-05's).
			if c.ed == spec.Virtio14 {
				g.mustMode(spec.ModeActive)
			}
			serves(c, g, gu, what)
		}},
	}
}

func transportTests() []Test {
	return []Test{
		{id: "PCI-DEV-02", name: "halves-independent", run: func(c *check) {
			g := c.newRig(nil, nil)
			g.common(spec.CfgQueueSelect, 1)
			g.common(spec.CfgQueueDescLo, 0x11112222)
			expectHex(c, g.commonRead(spec.CfgQueueDescLo), 0x11112222, "queue_desc lo after writing lo")
			expectHex(c, g.commonRead(spec.CfgQueueDescHi), 0, "queue_desc hi before it is written")
			g.common(spec.CfgQueueDriverHi, 7)
			expectHex(c, g.commonRead(spec.CfgQueueDriverHi), 7, "queue_driver hi written first")
			expectHex(c, g.commonRead(spec.CfgQueueDriverLo), 0, "queue_driver lo after writing only hi")
			g.common(spec.CfgQueueDriverLo, 0x44445000)
			expectHex(c, g.commonRead(spec.CfgQueueDriverHi), 7, "queue_driver hi after lo is written second")
			expectHex(c, g.commonRead(spec.CfgQueueDriverLo), 0x44445000, "queue_driver lo written after hi")
			g.common(spec.CfgQueueDescHi, 3)
			expectHex(c, g.commonRead(spec.CfgQueueDescLo), 0x11112222, "queue_desc lo after writing hi")
			expectHex(c, g.commonRead(spec.CfgQueueDescHi), 3, "queue_desc hi")
			g.write(uint64(spec.CfgQueueDeviceLo), []byte{0x40, 0, 0, 0, 5, 0, 0, 0})
			expectHex(c, g.commonRead(spec.CfgQueueDeviceLo), 0x40, "queue_device lo after a 64-bit write")
			expectHex(c, g.commonRead(spec.CfgQueueDeviceHi), 5, "queue_device hi after a 64-bit write")
			g.common(spec.CfgQueueSelect, 0)
			expectHex(c, g.commonRead(spec.CfgQueueDescLo), 0, "queue 0's queue_desc lo (untouched)")
		}},
		{id: "PCI-DEV-02", also: []string{"DRAFT-PCI-01"}, name: "halves-across-modes", editions: []spec.Edition{spec.Draft2023}, run: halvesAcrossModes},
		{id: "PCI-DEV-02", also: []string{"DP-DEV-10"}, name: "halves-across-stop", editions: []spec.Edition{spec.Virtio14}, run: halvesAcrossModes},
		{id: "PCI-DEV-03", name: "reset-reads-zero-when-done", run: func(c *check) {
			g, _ := c.live()
			c.expect(g.commonRead(spec.CfgDeviceStatus) != 0, "device_status reads 0 on a live device")
			g.common(spec.CfgDeviceStatus, 0)
			g.run()
			expectEq(c, g.commonRead(spec.CfgDeviceStatus), 0, "device_status once the reset is done")
		}},
		{id: "DRAFT-PCI-01", name: "registers-in-every-mode", editions: []spec.Edition{spec.Draft2023}, run: registersQuiesced},
		{id: "DP-DEV-10", name: "registers-while-stopped", editions: []spec.Edition{spec.Virtio14}, run: registersQuiesced},
	}
}

// registersQuiesced: in every quiesced mode, common-configuration writes
// read back and configuration reads return what they returned running.
func registersQuiesced(c *check) {
	for _, m := range c.ed.Modes() {
		if !m.Quiesced() {
			continue
		}
		g, _ := c.live()
		ids := g.cfgRead(0, 4)
		g.mustMode(m)
		g.common(spec.CfgQueueSelect, 1)
		expectEq(c, g.commonRead(spec.CfgQueueSelect), 1, "queue_select read back in "+c.ed.ModeName(m))
		c.expectSame(g.cfgRead(0, 4), ids, "vendor and device ID read in "+c.ed.ModeName(m))
	}
}

// halvesAcrossModes: a 64-bit queue address whose halves the driver
// writes on either side of a mode change keeps both. In every quiesced
// mode, queue 1's queue_desc lo is written before the move into the mode
// and its hi in it, queue_driver hi before and lo in it; queue_device lo
// is written in the mode and its hi after the move back to Active. Each
// half reads back what was written, in the mode and at Active (the
// halves are independent registers, PCI-DEV-02, and registers keep their
// writes while quiesced, DRAFT-PCI-01 and DP-DEV-10).
func halvesAcrossModes(c *check) {
	for _, m := range c.ed.Modes() {
		if !m.Quiesced() {
			continue
		}
		name := c.ed.ModeName(m)
		q := "queue 1's " // the queue queue_select 1 selects
		if c.net {
			q = "queue 1 (transmitq1)'s "
		}
		g := c.newRig(nil, nil)
		g.common(spec.CfgQueueSelect, 1)
		g.common(spec.CfgQueueDescLo, 0x11112000)
		g.common(spec.CfgQueueDriverHi, 7)
		g.mustMode(m)
		expectHex(c, g.commonRead(spec.CfgQueueDescLo), 0x11112000, q+"queue_desc lo in "+name+", written before the move")
		expectHex(c, g.commonRead(spec.CfgQueueDriverHi), 7, q+"queue_driver hi in "+name+", written before the move")
		g.common(spec.CfgQueueDescHi, 3)
		g.common(spec.CfgQueueDriverLo, 0x33334000)
		g.common(spec.CfgQueueDeviceLo, 0x55556000)
		g.mustMode(spec.ModeActive)
		g.common(spec.CfgQueueDeviceHi, 9)
		for _, r := range []struct {
			f    spec.CommonCfgField
			want uint64
			what string
		}{
			{spec.CfgQueueDescLo, 0x11112000, "queue_desc lo, written before " + name},
			{spec.CfgQueueDescHi, 3, "queue_desc hi, written in " + name},
			{spec.CfgQueueDriverHi, 7, "queue_driver hi, written before " + name},
			{spec.CfgQueueDriverLo, 0x33334000, "queue_driver lo, written in " + name},
			{spec.CfgQueueDeviceLo, 0x55556000, "queue_device lo, written in " + name},
			{spec.CfgQueueDeviceHi, 9, "queue_device hi, written after " + name},
		} {
			expectHex(c, g.commonRead(r.f), r.want, q+r.what+", read back once "+c.ed.ModeName(spec.ModeActive))
		}
	}
}
