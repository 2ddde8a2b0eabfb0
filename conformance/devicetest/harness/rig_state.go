package harness

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// What the rig does with a device's state as an owner would: the
// draft-2023 context written and read, the virtio-1.4 parts read, a
// destination built and the device moved to it, an FLR run to its end, and
// state written while quiesced for a reset or an FLR to drop.

// CtxWrite sends DEV_CTX_WRITE with the given fields.
func (g *Rig) CtxWrite(fields []devctx.Field) (spec.Status, spec.Qualifier) {
	c := g.Admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{Fields: fields}), 0)
	return c.Status, c.Qualifier
}

// Discard sends DEV_CTX_DISCARD, a set-up step of a context read unless
// the test judges the read itself.
func (g *Rig) Discard() {
	defer g.Check.setUp(StepStateRead, "DEV_CTX_DISCARD")()
	if c := g.Admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0); c.Status != spec.StatusOK {
		g.Check.Fatalf("DEV_CTX_DISCARD: %s/%s, want OK", c.Status, c.Qualifier)
	}
}

// ReadAfterDiscard discards the read cursor and reads the whole context.
func (g *Rig) ReadAfterDiscard(capacity int) []devctx.Field {
	g.Discard()
	return g.fullRead(g.ReadContext(capacity))
}

// FreshState is the state a new device of the same configuration reads.
func (c *Check) FreshState(disk *blk.Disk) []byte { return c.NewRig(disk, nil).State() }

// Destination builds a second device over the source's disk and a copy of
// its guest memory, with the guest's MSI-X table, as a migration's
// destination.
func (c *Check) Destination(src *Rig) *Rig {
	var link *membernet.Link
	if src.Port != nil {
		link = src.Port.Link()
	}
	dst := c.newRigOn(src.Disk, src.mem.Clone(), link)
	dst.setupMSIX()
	return dst
}

// Parts reads DEV_PARTS_GET(ALL) and decodes it without judging the
// order: a set-up step unless the test judges the read itself.
func (g *Rig) Parts() []devctx.Part {
	defer g.Check.setUp(StepStateRead, g.stateStep())()
	ps, err := devctx.DecodeParts(g.State(), devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		g.Check.Fatalf("DEV_PARTS_GET(ALL) result: %v", err)
	}
	return ps.List
}

// Stopped returns a live device the owner has stopped.
func (c *Check) Stopped() (*Rig, *Guest) {
	g, gu := c.Live()
	g.MustMode(spec.ModeStop)
	return g, gu
}

// MoveTo migrates src, stopped (and in draft-2023 frozen), to a new
// destination device on the same disk, link and a copy of guest memory:
// the owner reads its state and writes it to the destination (DEV_CTX_WRITE
// in Freeze; DEV_PARTS_SET stopped), which it then resumes and runs. The
// guest's rings follow it.
func (c *Check) MoveTo(src *Rig, gu *Guest) *Rig {
	state := src.State()
	dst := c.Destination(src)
	for _, d := range gu.rings {
		d.SetMemory(dst.mem)
	}
	gu.Rig = dst
	if c.Ed == spec.Draft2023 {
		dst.MustMode(spec.ModeFreeze)
		if st, q := dst.CtxWrite(DecodeFields(c, state)); st != spec.StatusOK {
			c.Fatalf("DEV_CTX_WRITE of the source's context in Freeze: %s/%s", st, q)
		}
		dst.MustMode(spec.ModeStop)
	} else {
		dst.MustMode(spec.ModeStop)
		if r := dst.PartsSet(state); r.Status != spec.StatusOK {
			c.Fatalf("DEV_PARTS_SET of the source's parts: %s/%s", r.Status, r.Qualifier)
		}
	}
	dst.Quiet()
	dst.MustMode(spec.ModeActive)
	dst.Run()
	return dst
}

// DecodeFields decodes a whole draft-2023 context.
func DecodeFields(c *Check, state []byte) []devctx.Field {
	ctx, err := devctx.DecodeDraftContext(state)
	if err != nil {
		c.Fatalf("the source's context: %v", err)
	}
	return ctx.Fields
}

// AfterFLR runs an FLR to its end on g.
func (g *Rig) AfterFLR() {
	g.Timers = nil
	g.FLR()
	if len(g.Timers) == 0 {
		g.Check.Fatalf("an FLR asks for no timer (the 100 ms of an FLR end with one)")
	}
	g.Fire()
	g.Run()
}

// LatchLiveState has the owner write a live device's state while the
// device is quiesced, in two commands, the second moving queue_select: the
// device then holds state to apply at the next resume. A virtio-1.4
// device, left in Stop, is set the parts a destination of the test guest
// is set (its features, DRIVER_OK, queue 0), built here so that how the
// device returns its own parts does not matter; a draft-2023 device, left
// in Freeze, is written its own context.
func (g *Rig) LatchLiveState() {
	defer g.Check.setUp(stepStateWrite, "writing the device's state while quiesced")()
	g.MustMode(spec.ModeStop)
	if g.Check.Ed == spec.Virtio14 {
		l := RingAt(0)
		live := []devctx.Part{
			devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{g.Offered()}.Encode()),
			devctx.NewPart(spec.PartDeviceStatus, []byte{uint8(spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK | spec.StatusDriverOK)}),
			devctx.VQCfg{QueueSize: guestQSize, Vector: 1, Enabled: 1, Desc: l.Desc, Driver: l.Avail, Device: l.Used}.Part(0),
		}
		sel := []devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})}
		for _, ps := range [][]devctx.Part{live, sel} {
			if r := g.PartsSet(devctx.EncodeParts(ps)); r.Status != spec.StatusOK {
				g.Check.Fatalf("DEV_PARTS_SET of a live device's parts while stopped: %s/%s, want OK", r.Status, r.Qualifier)
			}
		}
		return
	}
	g.MustMode(spec.ModeFreeze)
	own := g.ReadAfterDiscard(SnapshotCap)
	sel := devctx.CommonCfgImage{}
	for _, f := range own {
		if f.Type == spec.FieldPCICommonCfg {
			copy(sel[:], f.Value)
		}
	}
	sel.Set(spec.CfgQueueSelect, 1)
	for _, fs := range [][]devctx.Field{own, {{Type: spec.FieldPCICommonCfg, Value: sel[:]}}} {
		if st, q := g.CtxWrite(fs); st != spec.StatusOK {
			g.Check.Fatalf("DEV_CTX_WRITE of the device's own context in Freeze: %s/%s, want OK", st, q)
		}
	}
}
