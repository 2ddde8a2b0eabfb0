package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// What an FLR or a virtio reset does to the state the owner wrote while
// the member was quiesced (virtio-1.4 DEV_PARTS_SET in Stop, draft-2023
// DEV_CTX_WRITE in Freeze), which the device keeps until the next resume:
// it goes with every other part (DP-DEV-14, DRAFT-FLR-01, PCI-DEV-03),
// whatever mode-after-flr and flr-vs-mode say about the mode, and nothing
// of it comes back at a later resume.

// latchDropped: the owner writes a live device's state while it is quiesced
// (harness.Rig.LatchLiveState), then an FLR (flr) or a virtio reset (device_status 0,
// in Stop) runs to its end. What the owner reads then, and after two
// rounds of stop and resume, is a new device's, and so are the registers
// the guest reads after them.
func latchDropped(flr bool) func(*harness.Check) {
	return func(c *harness.Check) {
		g, _ := c.Live()
		g.LatchLiveState()
		what := "an FLR"
		if flr {
			g.Timers = nil
			g.FLR()
			g.Fire() // none with flr-vs-mode=defer-flr: the FLR waits for the resume
			g.Run()
		} else {
			what = "a virtio reset"
			g.MustMode(spec.ModeStop)
			g.Common(spec.CfgDeviceStatus, 0)
			g.Run()
		}
		fresh := c.NewRig(g.Disk, nil)
		if !flr || c.Rules.FLRVsMode != spec.FLRDefer {
			expectSameState(c, g.State(), fresh.State(), "the state read after "+what+" with state written while quiesced, against a new device's")
		}
		// Twice: a deferred FLR is carried out at the first resume, and a
		// member that runs after the FLR resumes only after a stop.
		for i := 0; i < 2; i++ {
			for _, r := range []*harness.Rig{g, fresh} {
				r.MustMode(spec.ModeStop)
				r.MustMode(spec.ModeActive)
				r.Run()
			}
		}
		expectSameState(c, g.State(), fresh.State(), "the state read after "+what+" and two resumes, against a new device's after two")
		harness.ExpectEq(c, g.CommonRead(spec.CfgDeviceStatus), 0, "device_status the guest reads after "+what+" and the resumes")
		harness.ExpectEq(c, g.CommonRead(spec.CfgQueueSelect), 0, "queue_select the guest reads after "+what+" and the resumes")
		harness.ExpectEq(c, g.CommonRead(spec.CfgQueueEnable), fresh.CommonRead(spec.CfgQueueEnable), "queue_enable of queue 0 the guest reads after "+what+" and the resumes")
	}
}

// writeHeldByFLR: with mode-after-flr=keep, state written to a quiesced
// member while its FLR is in progress is answered once the FLR is over
// (DP-DEV-12) and applies to the FLR-completed member at the resume: the
// FLR drops what was written before it, not what waited for it.
func writeHeldByFLR(c *harness.Check) {
	g, _ := c.Live()
	g.MustMode(spec.ModeStop)
	op, data := uint16(spec.OpDevPartsSet), append(make([]byte, spec.ResourceObjCmdHeaderSize),
		devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})})...)
	if c.Ed == spec.Draft2023 {
		g.MustMode(spec.ModeFreeze)
		fresh := c.NewRig(nil, nil)
		fresh.MustMode(spec.ModeFreeze)
		img := devctx.CommonCfgImage{}
		for _, f := range fresh.ReadAfterDiscard(harness.SnapshotCap) {
			if f.Type == spec.FieldPCICommonCfg {
				copy(img[:], f.Value)
			}
		}
		img.Set(spec.CfgQueueSelect, 1)
		op, data = uint16(spec.DraftOpDevCtxWrite), encodeFields([]devctx.Field{img.Field()})
	}
	g.Timers = nil
	g.FLR()
	tag := g.Send(op, data, 0)
	if _, ok := g.Completion(tag); ok {
		c.Errorf("", "a state write sent during the FLR answered before the FLR is over")
	}
	g.Fire()
	g.Run()
	if r, ok := g.Completion(tag); !ok || r.Status != spec.StatusOK {
		c.Fatalf("the state write held over the FLR: answered %v with %s/%s, want OK once the FLR is over", ok, r.Status, r.Qualifier)
	}
	g.MustMode(spec.ModeStop)
	g.MustMode(spec.ModeActive)
	g.Run()
	harness.ExpectEq(c, g.CommonRead(spec.CfgQueueSelect), 1, "queue_select the guest reads at the resume, written as 1 during the FLR")
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
