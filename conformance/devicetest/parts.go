package devicetest

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// virtio-1.4 device parts: GET and SET, their order, lengths, what a SET
// checks and applies, and the metadata buffer.

// parts reads DEV_PARTS_GET(ALL) and decodes it without judging the
// order: a set-up step unless the test judges the read itself.
func (g *rig) parts() []devctx.Part {
	defer g.c.setUp(stepStateRead, g.stateStep())()
	ps, err := devctx.DecodeParts(g.state(), devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		g.c.fatalf("DEV_PARTS_GET(ALL) result: %v", err)
	}
	return ps.List
}

// stopped returns a live device the owner has stopped.
func (c *check) stopped() (*rig, *guest) {
	g, gu := c.live()
	g.mustMode(spec.ModeStop)
	return g, gu
}

func partsTests() []Test {
	return []Test{
		{id: "DP-DEV-02", name: "repeated-get-and-set", judges: stepStateRead, run: func(c *check) {
			g, _ := c.stopped()
			first := g.state()
			c.expectSame(g.state(), first, "a second DEV_PARTS_GET(ALL)")
			for i := 0; i < 2; i++ {
				r := g.partsSet(first)
				c.expect(r.Status == spec.StatusOK, "DEV_PARTS_SET %d of the device's own parts: %s/%s, want OK", i+1, r.Status, r.Qualifier)
			}
			g.mustMode(spec.ModeActive)
		}},
		{id: "DP-DEV-03", name: "get-in-required-order", judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			all := g.state()
			if _, err := devctx.DecodeParts(all, devctx.DecodeOptions{Complete: true}); err != nil {
				c.errorf("", "DEV_PARTS_GET(ALL): %v", err)
			}
			ps := g.parts()
			if len(ps) < 2 {
				c.fatalf("DEV_PARTS_GET(ALL) returned %d parts", len(ps))
			}
			last, first := ps[len(ps)-1], ps[0]
			r := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetSelected, last.Header(), first.Header()), snapshotCap)
			if r.Status != spec.StatusOK {
				c.fatalf("DEV_PARTS_GET(SELECTED): %s/%s", r.Status, r.Qualifier)
			}
			c.expectSame(r.Result, devctx.EncodeParts([]devctx.Part{first, last}), "DEV_PARTS_GET(SELECTED) of the last and the first part")
		}},
		{id: "DP-DEV-04", name: "set-while-running-fails", also: []string{"ADM-DEV-03"}, run: func(c *check) {
			g, _ := c.live()
			before := g.state()
			r := g.partsSet(devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})}))
			c.expect(r.Status != spec.StatusOK, "DEV_PARTS_SET while running: OK, want a failure")
			c.expectSame(g.state(), before, "the parts read back after DEV_PARTS_SET while running")
		}},
		{id: "DP-DEV-05", name: "length-mismatch-fails", run: func(c *check) {
			for _, p := range []devctx.Part{
				devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31)),
				devctx.NewVQPart(spec.PartVQNotifyCfg, 0, make([]byte, 9)),
				devctx.NewPart(spec.PartDeviceStatus, []byte{1, 2}),
				devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1}),
			} {
				g, _ := c.stopped()
				r := g.partsSet(devctx.EncodeParts([]devctx.Part{p}))
				c.expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of %s with a %d-byte value: OK, want a failure", p.Type, len(p.Value))
			}
		}},
		{id: "DP-DEV-06", name: "features-checked-read-only-not-applied", run: func(c *check) {
			g, _ := c.stopped()
			bad := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{1 << 63}.Encode())
			r := g.partsSet(devctx.EncodeParts([]devctx.Part{bad}))
			c.expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of DEV_FEATURES with a bit the device does not offer: OK, want a failure")
			offered := g.offered()
			ok := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{offered}.Encode())
			ro := devctx.NewCommonCfgPart(spec.CfgNumQueues, []byte{9, 0})
			sel := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
			if r := g.partsSet(devctx.EncodeParts([]devctx.Part{ok, ro, sel})); r.Status != spec.StatusOK {
				c.fatalf("DEV_PARTS_SET of DEV_FEATURES, num_queues and queue_select: %s/%s, want OK", r.Status, r.Qualifier)
			}
			g.mustMode(spec.ModeActive)
			expectEq(c, g.commonRead(spec.CfgNumQueues), rigQueues, "num_queues after a SET of 9 (read-only)")
			expectEq(c, g.commonRead(spec.CfgQueueSelect), 1, "queue_select after a SET of 1, at resume")
		}},
		{id: "DP-DEV-08", name: "failed-set-no-side-effects", run: func(c *check) {
			// The refused SET leads with valid parts that change what the
			// device holds (driver_feature_select is 1 after the test
			// guest's set-up, queue_select 1 after the good SET): a device
			// that latches them although the SET fails resumes with them.
			good := devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})})
			bad := devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgDriverFeatureSelect, []byte{0, 0, 0, 0}),
				devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{0, 0}),
				devctx.NewVQPart(spec.PartVQCfg, 7, make([]byte, 32))})
			after := func(fail bool) []byte {
				g, _ := c.stopped()
				if r := g.partsSet(good); r.Status != spec.StatusOK {
					c.setUpFatalf("DEV_PARTS_SET of queue_select (before the failed SET)", "DEV_PARTS_SET of queue_select: %s/%s", r.Status, r.Qualifier)
				}
				if fail {
					before := g.state()
					r := g.partsSet(bad)
					c.expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of a valid part and a part for queue 7 (of %d): OK, want a failure", rigQueues)
					c.expectSame(g.state(), before, "the parts read back after the failed SET")
				}
				g.mustMode(spec.ModeActive)
				return g.state()
			}
			c.expectSame(after(true), after(false), "the parts after resume, with a failed SET before it, against none")
			g, _ := c.stopped()
			if r := g.partsSet(bad); r.Status == spec.StatusOK {
				c.fatalf("DEV_PARTS_SET with a part for queue 7 (of %d): OK, want a failure", rigQueues)
			}
			g.mustMode(spec.ModeActive)
			expectEq(c, g.commonRead(spec.CfgDriverFeatureSelect), 1, "driver_feature_select at resume, after a failed SET of 0")
		}},
		{id: "AVQ-DEV-01", name: "parts-get-result-cap", editions: []spec.Edition{spec.Virtio14}, run: partsGetResultCap},
		{id: "DP-DEV-15", name: "metadata-buffer-too-small", also: []string{"AVQ-DEV-05", "ADM-DEV-04"}, run: func(c *check) {
			g, _ := c.live()
			data := make([]byte, spec.ResourceObjCmdHeaderSize+8)
			data[spec.ResourceObjCmdHeaderSize] = uint8(spec.MetadataList)
			before := g.state()
			r := g.admin(uint16(spec.OpDevPartsMetadataGet), data, 16)
			expectEq(c, r.Status, spec.StatusENOMEM, "DEV_PARTS_METADATA_GET(LIST) in a 16-byte buffer")
			if !bytesEqual(g.state(), before) {
				// An ENOMEM has no side effects (AVQ-DEV-05, a MUST);
				// any other failure should have none (ADM-DEV-04).
				id := "ADM-DEV-04"
				if r.Status == spec.StatusENOMEM {
					id = "AVQ-DEV-05"
				}
				c.errorf(id, "the parts read back changed after DEV_PARTS_METADATA_GET failed with %s", r.Status)
			}
			r = g.admin(uint16(spec.OpDevPartsMetadataGet), data, snapshotCap)
			expectEq(c, r.Status, spec.StatusOK, "DEV_PARTS_METADATA_GET(LIST) in a 64 KiB buffer")
			data[spec.ResourceObjCmdHeaderSize] = uint8(spec.MetadataSize)
			r = g.admin(uint16(spec.OpDevPartsMetadataGet), data, 8)
			if r.Status == spec.StatusOK && len(r.Result) >= 4 {
				expectEq(c, int(binary.LittleEndian.Uint32(r.Result)), len(g.state()), "DEV_PARTS_METADATA_GET(SIZE) against DEV_PARTS_GET(ALL)")
			} else {
				c.errorf("", "DEV_PARTS_METADATA_GET(SIZE): %s/%s with %d bytes", r.Status, r.Qualifier, len(r.Result))
			}
		}},
		{id: "DP-DEV-12", name: "reply-held-during-reset-and-pm", run: func(c *check) {
			g, _ := c.live()
			g.common(spec.CfgDeviceStatus, 0)
			tag := g.send(modeSetOp(c.ed), modeData(c.ed, spec.ModeStop), 0)
			_, early := g.completion(tag)
			if early && len(g.steps) > 0 {
				c.errorf("", "DEV_MODE_SET answered during a virtio reset in progress")
			}
			g.run()
			if _, ok := g.completion(tag); !ok && !early {
				c.errorf("", "DEV_MODE_SET during a reset never answered once the reset is done")
			}
			g.tmrs = nil
			g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: rigHost, Completer: rigRID,
				Addr: pcie.PMCapOffset + 4, Data: []byte{3, 0}}})
			if len(g.tmrs) == 0 {
				c.fatalf("a PM transition to D3hot asks for no timer")
			}
			tag = g.send(modeSetOp(c.ed), modeData(c.ed, spec.ModeActive), 0)
			_, early = g.completion(tag)
			if early {
				c.errorf("", "DEV_MODE_SET answered during a PM transition in progress")
			}
			g.fire()
			g.run()
			if _, ok := g.completion(tag); !ok && !early {
				c.errorf("", "DEV_MODE_SET during a PM transition never answered once it is done")
			}
		}},
	}
}

// partsGetResultCap: DEV_PARTS_GET(ALL) into result buffers smaller than
// its result writes at most result_cap bytes (admin checks every
// completion for that); a success is the beginning of the whole result,
// the output past the buffer dropped (AVQ-DEV-01). Whether a GET may fail
// for a short buffer instead is not judged here.
func partsGetResultCap(c *check) {
	g, _ := c.live()
	all := g.state()
	if len(all) < 32 {
		c.fatalf("DEV_PARTS_GET(ALL) returned %d bytes", len(all))
	}
	for _, capacity := range []int{8, 20, len(all) / 2, len(all) - 1} {
		r := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), capacity)
		if r.Status == spec.StatusOK && len(r.Result) <= capacity {
			c.expectSame(r.Result, all[:capacity], fmt.Sprintf("DEV_PARTS_GET(ALL) in a %d-byte buffer (the whole result is %d bytes)", capacity, len(all)))
		}
	}
}
