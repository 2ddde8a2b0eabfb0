package devicetest

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// What an FLR or a virtio reset does to the state the owner wrote while
// the member was quiesced (virtio-1.4 DEV_PARTS_SET in Stop, draft-2023
// DEV_CTX_WRITE in Freeze), which the device keeps until the next resume:
// it goes with every other part (DP-DEV-14, DRAFT-FLR-01, PCI-DEV-03),
// whatever mode-after-flr and flr-vs-mode say about the mode, and nothing
// of it comes back at a later resume.

// latchLiveState has the owner write a live device's state while the
// device is quiesced, in two commands, the second moving queue_select: the
// device then holds state to apply at the next resume. A virtio-1.4
// device, left in Stop, is set the parts a destination of the test guest
// is set (its features, DRIVER_OK, queue 0), built here so that how the
// device returns its own parts does not matter; a draft-2023 device, left
// in Freeze, is written its own context.
func (g *rig) latchLiveState() {
	defer g.c.setUp(stepStateWrite, "writing the device's state while quiesced")()
	g.mustMode(spec.ModeStop)
	if g.c.ed == spec.Virtio14 {
		l := ringAt(0)
		live := []devctx.Part{
			devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{g.offered()}.Encode()),
			devctx.NewPart(spec.PartDeviceStatus, []byte{uint8(spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK | spec.StatusDriverOK)}),
			devctx.VQCfg{QueueSize: guestQSize, Vector: 1, Enabled: 1, Desc: l.Desc, Driver: l.Avail, Device: l.Used}.Part(0),
		}
		sel := []devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})}
		for _, ps := range [][]devctx.Part{live, sel} {
			if r := g.partsSet(devctx.EncodeParts(ps)); r.Status != spec.StatusOK {
				g.c.fatalf("DEV_PARTS_SET of a live device's parts while stopped: %s/%s, want OK", r.Status, r.Qualifier)
			}
		}
		return
	}
	g.mustMode(spec.ModeFreeze)
	own := g.readAfterDiscard(snapshotCap)
	sel := devctx.CommonCfgImage{}
	for _, f := range own {
		if f.Type == spec.FieldPCICommonCfg {
			copy(sel[:], f.Value)
		}
	}
	sel.Set(spec.CfgQueueSelect, 1)
	for _, fs := range [][]devctx.Field{own, {{Type: spec.FieldPCICommonCfg, Value: sel[:]}}} {
		if st, q := g.ctxWrite(fs); st != spec.StatusOK {
			g.c.fatalf("DEV_CTX_WRITE of the device's own context in Freeze: %s/%s, want OK", st, q)
		}
	}
}

// latchDropped: the owner writes a live device's state while it is quiesced
// (latchLiveState), then an FLR (flr) or a virtio reset (device_status 0,
// in Stop) runs to its end. What the owner reads then, and after two
// rounds of stop and resume, is a new device's, and so are the registers
// the guest reads after them.
func latchDropped(flr bool) func(*check) {
	return func(c *check) {
		g, _ := c.live()
		g.latchLiveState()
		what := "an FLR"
		if flr {
			g.tmrs = nil
			g.flr()
			g.fire() // none with flr-vs-mode=defer-flr: the FLR waits for the resume
			g.run()
		} else {
			what = "a virtio reset"
			g.mustMode(spec.ModeStop)
			g.common(spec.CfgDeviceStatus, 0)
			g.run()
		}
		fresh := c.newRig(g.disk, nil)
		if !flr || c.rules.FLRVsMode != spec.FLRDefer {
			c.expectSame(g.state(), fresh.state(), "the state read after "+what+" with state written while quiesced, against a new device's")
		}
		// Twice: a deferred FLR is carried out at the first resume, and a
		// member that runs after the FLR resumes only after a stop.
		for i := 0; i < 2; i++ {
			for _, r := range []*rig{g, fresh} {
				r.mustMode(spec.ModeStop)
				r.mustMode(spec.ModeActive)
				r.run()
			}
		}
		c.expectSame(g.state(), fresh.state(), "the state read after "+what+" and two resumes, against a new device's after two")
		expectEq(c, g.commonRead(spec.CfgDeviceStatus), 0, "device_status the guest reads after "+what+" and the resumes")
		expectEq(c, g.commonRead(spec.CfgQueueSelect), 0, "queue_select the guest reads after "+what+" and the resumes")
		expectEq(c, g.commonRead(spec.CfgQueueEnable), fresh.commonRead(spec.CfgQueueEnable), "queue_enable of queue 0 the guest reads after "+what+" and the resumes")
	}
}

// writeHeldByFLR: with mode-after-flr=keep, state written to a quiesced
// member while its FLR is in progress is answered once the FLR is over
// (DP-DEV-12) and applies to the FLR-completed member at the resume: the
// FLR drops what was written before it, not what waited for it.
func writeHeldByFLR(c *check) {
	g, _ := c.live()
	g.mustMode(spec.ModeStop)
	op, data := uint16(spec.OpDevPartsSet), append(make([]byte, spec.ResourceObjCmdHeaderSize),
		devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})})...)
	if c.ed == spec.Draft2023 {
		g.mustMode(spec.ModeFreeze)
		fresh := c.newRig(nil, nil)
		fresh.mustMode(spec.ModeFreeze)
		img := devctx.CommonCfgImage{}
		for _, f := range fresh.readAfterDiscard(snapshotCap) {
			if f.Type == spec.FieldPCICommonCfg {
				copy(img[:], f.Value)
			}
		}
		img.Set(spec.CfgQueueSelect, 1)
		op, data = uint16(spec.DraftOpDevCtxWrite), encodeFields([]devctx.Field{img.Field()})
	}
	g.tmrs = nil
	g.flr()
	tag := g.send(op, data, 0)
	if _, ok := g.completion(tag); ok {
		c.errorf("", "a state write sent during the FLR answered before the FLR is over")
	}
	g.fire()
	g.run()
	if r, ok := g.completion(tag); !ok || r.Status != spec.StatusOK {
		c.fatalf("the state write held over the FLR: answered %v with %s/%s, want OK once the FLR is over", ok, r.Status, r.Qualifier)
	}
	g.mustMode(spec.ModeStop)
	g.mustMode(spec.ModeActive)
	g.run()
	expectEq(c, g.commonRead(spec.CfgQueueSelect), 1, "queue_select the guest reads at the resume, written as 1 during the FLR")
}

func flrLatchTests() []Test {
	keep, deferFLR := []string{"mode-after-flr=keep"}, []string{"flr-vs-mode=defer-flr"}
	draft := []spec.Edition{spec.Draft2023}
	return []Test{
		{id: "DP-DEV-14", name: "flr-drops-set-parts", run: latchDropped(true)},
		{id: "DP-DEV-14", name: "flr-drops-set-parts-keep", knobs: keep, run: latchDropped(true)},
		{id: "DP-DEV-14", name: "flr-drops-set-parts-defer", knobs: deferFLR, run: latchDropped(true)},
		{id: "DP-DEV-14", also: []string{"PCI-DEV-03"}, name: "reset-drops-set-parts", run: latchDropped(false)},
		{id: "DRAFT-FLR-01", name: "flr-drops-written-context", run: latchDropped(true)},
		{id: "DRAFT-FLR-01", name: "flr-drops-written-context-keep", knobs: keep, run: latchDropped(true)},
		{id: "DRAFT-FLR-01", name: "flr-drops-written-context-defer", knobs: deferFLR, run: latchDropped(true)},
		{id: "PCI-DEV-03", editions: draft, name: "reset-drops-written-context", run: latchDropped(false)},
		{id: "DP-DEV-12", name: "set-held-by-flr-applies-after", knobs: keep, run: writeHeldByFLR},
		{id: "DRAFT-SYNC-01", name: "write-held-by-flr-applies-after", knobs: keep, run: writeHeldByFLR},
	}
}
