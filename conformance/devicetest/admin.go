package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/conformance/devicetest/harness"
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
func refuse(g *harness.Rig) (what string, before []byte, status spec.Status, qual spec.Qualifier) {
	if g.Check.Ed == spec.Draft2023 {
		before = g.State()
		c := g.Admin(uint16(spec.DraftOpDevModeSet), []byte{3, 0, 0, 0, 0, 0, 0, 0}, 0)
		return "DEV_MODE_SET to reserved mode 3", before, c.Status, c.Qualifier
	}
	g.MustMode(spec.ModeStop)
	before = g.State()
	c := g.PartsSet(devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31))}))
	return "DEV_PARTS_SET (stopped) of a 31-byte VQ_CFG part", before, c.Status, c.Qualifier
}

// serves checks that the device still serves the guest's work: it
// completes once (a block request with status OK).
func serves(c *harness.Check, g *harness.Rig, gu *harness.Guest, what string) {
	q := gu.WorkQueue()
	before := gu.Used(q)
	r := gu.PostWork(9)
	gu.Kick(q)
	g.Run()
	c.Expect(gu.Used(q) == before+1 && gu.Done(r), "%s: a request afterwards completes %d times (done well: %v), want once",
		what, gu.Used(q)-before, gu.Done(r))
}

func adminTests() []Test {
	return []Test{
		{id: "ADM-DEV-02", name: "status-and-qualifier", run: func(c *harness.Check) {
			g, _ := c.Live()
			g.MustMode(spec.ModeActive) // admin checks the qualifier of every success
			what, _, st, _ := refuse(g)
			c.Expect(st != spec.StatusOK, "%s: status OK, want a failure status", what)
		}},
		{id: "ADM-DEV-02", also: []string{"DP-DEV-04", "DP-DEV-05"}, name: "refusals-einval-qualifier", editions: v14Only, run: refusalQualifiers},
		{id: "ADM-DEV-03", name: "refused-command-no-side-effects", also: []string{"DP-DEV-08"}, run: func(c *harness.Check) {
			g, gu := c.Live()
			what, before, st, q := refuse(g)
			switch {
			case st == spec.StatusEINVAL:
				expectSameState(c, g.State(), before, what+": the state read back after the refusal")
			case c.Ed == spec.Draft2023:
				// DRAFT-MODE-02 fixes the status: EINVAL.
				c.Errorf("", "%s: %s/%s, want EINVAL", what, st, q)
				expectSameState(c, g.State(), before, what+": the state read back after the refusal")
			case st != spec.StatusOK:
				// Another failure than EINVAL: ADM-DEV-03 does not
				// apply, a failed DEV_PARTS_SET's lack of side effects
				// is DP-DEV-08's.
				if got := g.State(); !bytes.Equal(got, before) {
					c.Errorf("DP-DEV-08", "%s: failed %s/%s, but the state read back after it changed (first difference at byte %d)",
						what, st, q, harness.FirstDiff(got, before))
				}
			}
			// An accepted command is ADM-DEV-02's failure (and DP-DEV-05's).
			if c.Ed == spec.Virtio14 {
				g.MustMode(spec.ModeActive)
			}
			serves(c, g, gu, what)
		}},
	}
}

func transportTests() []Test {
	return []Test{
		{id: "PCI-DEV-02", name: "halves-independent", run: func(c *harness.Check) {
			g := c.NewRig(nil, nil)
			g.Common(spec.CfgQueueSelect, 1)
			g.Common(spec.CfgQueueDescLo, 0x11112222)
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescLo), 0x11112222, "queue_desc lo after writing lo")
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescHi), 0, "queue_desc hi before it is written")
			g.Common(spec.CfgQueueDriverHi, 7)
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDriverHi), 7, "queue_driver hi written first")
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDriverLo), 0, "queue_driver lo after writing only hi")
			g.Common(spec.CfgQueueDriverLo, 0x44445000)
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDriverHi), 7, "queue_driver hi after lo is written second")
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDriverLo), 0x44445000, "queue_driver lo written after hi")
			g.Common(spec.CfgQueueDescHi, 3)
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescLo), 0x11112222, "queue_desc lo after writing hi")
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescHi), 3, "queue_desc hi")
			g.Write(uint64(spec.CfgQueueDeviceLo), []byte{0x40, 0, 0, 0, 5, 0, 0, 0})
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDeviceLo), 0x40, "queue_device lo after a 64-bit write")
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDeviceHi), 5, "queue_device hi after a 64-bit write")
			g.Common(spec.CfgQueueSelect, 0)
			harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescLo), 0, "queue 0's queue_desc lo (untouched)")
		}},
		{id: "PCI-DEV-02", also: []string{"DRAFT-PCI-01"}, name: "halves-across-modes", editions: []spec.Edition{spec.Draft2023}, run: halvesAcrossModes},
		{id: "PCI-DEV-02", also: []string{"DP-DEV-10"}, name: "halves-across-stop", editions: []spec.Edition{spec.Virtio14}, run: halvesAcrossModes},
		{id: "PCI-DEV-02", also: []string{"DP-DEV-08"}, name: "halves-across-move", editions: []spec.Edition{spec.Virtio14}, run: halvesAcrossMove},
		{id: "PCI-DEV-03", name: "reset-reads-zero-when-done", run: func(c *harness.Check) {
			g, _ := c.Live()
			c.Expect(g.CommonRead(spec.CfgDeviceStatus) != 0, "device_status reads 0 on a live device")
			g.Common(spec.CfgDeviceStatus, 0)
			g.Run()
			harness.ExpectEq(c, g.CommonRead(spec.CfgDeviceStatus), 0, "device_status once the reset is done")
		}},
		{id: "DRAFT-PCI-01", name: "registers-in-every-mode", editions: []spec.Edition{spec.Draft2023}, run: registersQuiesced},
		{id: "DP-DEV-10", name: "registers-while-stopped", editions: []spec.Edition{spec.Virtio14}, run: registersQuiesced},
	}
}

// registersQuiesced: in every quiesced mode, common-configuration writes
// read back and configuration reads return what they returned running.
func registersQuiesced(c *harness.Check) {
	for _, m := range c.Ed.Modes() {
		if !m.Quiesced() {
			continue
		}
		g, _ := c.Live()
		ids := g.CfgRead(0, 4)
		g.MustMode(m)
		g.Common(spec.CfgQueueSelect, 1)
		harness.ExpectEq(c, g.CommonRead(spec.CfgQueueSelect), 1, "queue_select read back in "+c.Ed.ModeName(m))
		c.ExpectSame(g.CfgRead(0, 4), ids, "vendor and device ID read in "+c.Ed.ModeName(m))
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
// halvesAcrossMove: the driver writes one half of queue 1's queue_desc
// and of its queue_driver, the device is stopped and moved (DEV_PARTS_GET
// on the source, DEV_PARTS_SET on a fresh destination, which resumes),
// and the driver writes the other halves there, as a guest probing across
// a migration does (Linux writes lo, then hi). Both halves of each read
// back on the destination: the VQ_CFG part carries the raw latched le64,
// the half written alone included (virtio-1.4 has no other part for a
// write in progress). A device that keeps a lone half in a side latch and
// saves only completed addresses keeps it across a stop on one device
// (halves-across-stop) and loses it here. queue_select is written again
// on the destination, so that only the halves are judged.
func halvesAcrossMove(c *harness.Check) {
	q := "queue 1's "
	if c.Net {
		q = "queue 1 (transmitq1)'s "
	}
	src := c.NewRig(nil, nil)
	src.Common(spec.CfgQueueSelect, 1)
	src.Common(spec.CfgQueueDescLo, 0x11112000)
	src.Common(spec.CfgQueueDriverHi, 7)
	src.MustMode(spec.ModeStop)
	state := src.State()
	dst := c.Destination(src)
	dst.MustMode(spec.ModeStop)
	if r := dst.PartsSet(state); r.Status != spec.StatusOK {
		c.Fatalf("DEV_PARTS_SET of the parts of a source stopped between the halves of "+q+"queue_desc and queue_driver: %s/%s, want OK", r.Status, r.Qualifier)
	}
	dst.MustMode(spec.ModeActive)
	dst.Common(spec.CfgQueueSelect, 1)
	dst.Common(spec.CfgQueueDescHi, 3)
	dst.Common(spec.CfgQueueDriverLo, 0x33334000)
	for _, r := range []struct {
		f    spec.CommonCfgField
		want uint64
		what string
	}{
		{spec.CfgQueueDescLo, 0x11112000, "queue_desc lo, written on the source before the stop"},
		{spec.CfgQueueDescHi, 3, "queue_desc hi, written on the destination"},
		{spec.CfgQueueDriverHi, 7, "queue_driver hi, written on the source before the stop"},
		{spec.CfgQueueDriverLo, 0x33334000, "queue_driver lo, written on the destination"},
	} {
		harness.ExpectHex(c, dst.CommonRead(r.f), r.want, q+r.what+", read back on the destination")
	}
}

func halvesAcrossModes(c *harness.Check) {
	for _, m := range c.Ed.Modes() {
		if !m.Quiesced() {
			continue
		}
		name := c.Ed.ModeName(m)
		q := "queue 1's " // the queue queue_select 1 selects
		if c.Net {
			q = "queue 1 (transmitq1)'s "
		}
		g := c.NewRig(nil, nil)
		g.Common(spec.CfgQueueSelect, 1)
		g.Common(spec.CfgQueueDescLo, 0x11112000)
		g.Common(spec.CfgQueueDriverHi, 7)
		g.MustMode(m)
		harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDescLo), 0x11112000, q+"queue_desc lo in "+name+", written before the move")
		harness.ExpectHex(c, g.CommonRead(spec.CfgQueueDriverHi), 7, q+"queue_driver hi in "+name+", written before the move")
		g.Common(spec.CfgQueueDescHi, 3)
		g.Common(spec.CfgQueueDriverLo, 0x33334000)
		g.Common(spec.CfgQueueDeviceLo, 0x55556000)
		g.MustMode(spec.ModeActive)
		g.Common(spec.CfgQueueDeviceHi, 9)
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
			harness.ExpectHex(c, g.CommonRead(r.f), r.want, q+r.what+", read back once "+c.Ed.ModeName(spec.ModeActive))
		}
	}
}
