package devicetest

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// virtio-1.4 device parts: GET and SET, their order, lengths, what a SET
// checks and applies, and the metadata buffer.

func partsTests() []Test {
	return []Test{
		{id: "DP-DEV-02", name: "repeated-get-and-set", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Stopped()
			first := g.State()
			expectSameState(c, g.State(), first, "a second DEV_PARTS_GET(ALL)")
			for i := 0; i < 2; i++ {
				r := g.PartsSet(first)
				c.Expect(r.Status == spec.StatusOK, "DEV_PARTS_SET %d of the device's own parts: %s/%s, want OK", i+1, r.Status, r.Qualifier)
			}
			g.MustMode(spec.ModeActive)
		}},
		{id: "DP-DEV-02", name: "repeated-get-after-a-change", judges: harness.StepStateRead, run: func(c *harness.Check) {
			// A second GET, after the driver changed the device between two
			// stops, returns the device as it is then, not the first GET's
			// parts again.
			g, _ := c.Stopped()
			g.State()
			g.MustMode(spec.ModeActive)
			q := (g.CommonRead(spec.CfgQueueSelect) + 1) % harness.RigQueues
			g.Common(spec.CfgQueueSelect, q)
			g.MustMode(spec.ModeStop)
			want := devctx.NewCommonCfgPart(spec.CfgQueueSelect, binary.LittleEndian.AppendUint16(nil, uint16(q)))
			got, ok := partOf(g.Parts(), want)
			c.Expect(ok && bytes.Equal(got.Value, want.Value), "DEV_PARTS_GET(ALL) after the driver set queue_select to %d between two stops: queue_select part %x (found: %t), want %x",
				q, got.Value, ok, want.Value)
		}},
		{id: "DP-DEV-03", name: "get-in-required-order", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			all := g.State()
			if _, err := devctx.DecodeParts(all, devctx.DecodeOptions{Complete: true}); err != nil {
				c.Errorf("", "DEV_PARTS_GET(ALL): %v", err)
			}
			ps := g.Parts()
			if len(ps) < 2 {
				c.Fatalf("DEV_PARTS_GET(ALL) returned %d parts", len(ps))
			}
			last, first := ps[len(ps)-1], ps[0]
			r := g.Admin(uint16(spec.OpDevPartsGet), harness.PartsGetData(spec.PartsGetSelected, last.Header(), first.Header()), harness.SnapshotCap)
			if r.Status != spec.StatusOK {
				c.Fatalf("DEV_PARTS_GET(SELECTED): %s/%s", r.Status, r.Qualifier)
			}
			c.ExpectSame(r.Result, devctx.EncodeParts([]devctx.Part{first, last}), "DEV_PARTS_GET(SELECTED) of the last and the first part")
		}},
		{id: "DP-DEV-04", name: "set-while-running-fails", also: []string{"ADM-DEV-03"}, run: func(c *harness.Check) {
			g, _ := c.Live()
			before := g.State()
			r := g.PartsSet(devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})}))
			c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET while running: OK, want a failure")
			expectSameState(c, g.State(), before, "the parts read back after DEV_PARTS_SET while running")
		}},
		{id: "DP-DEV-05", name: "length-mismatch-fails", run: func(c *harness.Check) {
			for _, p := range []devctx.Part{
				devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31)),
				devctx.NewVQPart(spec.PartVQNotifyCfg, 0, make([]byte, 9)),
				devctx.NewPart(spec.PartDeviceStatus, []byte{1, 2}),
				devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1}),
			} {
				g, _ := c.Stopped()
				r := g.PartsSet(devctx.EncodeParts([]devctx.Part{p}))
				c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of %s with a %d-byte value: OK, want a failure", p.Type, len(p.Value))
			}
			// Queue 0's own VQ_CFG with 8 zero bytes after it: a device that
			// copies the first 32 bytes and drops the rest would apply a
			// valid value, so only the length is wrong.
			g, _ := c.Stopped()
			own, ok := partOf(g.Parts(), devctx.NewVQPart(spec.PartVQCfg, 0, nil))
			if !ok {
				c.Fatalf("DEV_PARTS_GET(ALL) holds no VQ_CFG part for queue 0")
			}
			long := devctx.NewVQPart(spec.PartVQCfg, 0, append(append([]byte(nil), own.Value...), make([]byte, 8)...))
			r := g.PartsSet(devctx.EncodeParts([]devctx.Part{long}))
			c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of queue 0's own VQ_CFG followed by 8 zero bytes (a %d-byte value, the device's is %d): OK, want a failure",
				len(long.Value), len(own.Value))
			// The feature parts likewise: the device's own DEV_FEATURES and
			// DRV_FEATURES with a zero le64 after them set no bit the device
			// lacks, so only their length is wrong.
			for _, typ := range []spec.PartType{spec.PartDevFeatures, spec.PartDrvFeatures} {
				g, _ := c.Stopped()
				own, ok := partOf(g.Parts(), devctx.NewPart(typ, nil))
				if !ok {
					if typ == spec.PartDevFeatures {
						continue // OPTIONAL: a device may leave it out of a GET
					}
					c.Fatalf("DEV_PARTS_GET(ALL) holds no %s part", typ)
				}
				long := devctx.NewPart(typ, append(append([]byte(nil), own.Value...), make([]byte, 8)...))
				r := g.PartsSet(devctx.EncodeParts([]devctx.Part{long}))
				c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of the device's own %s followed by a zero le64 (a %d-byte value, the device's is %d): OK, want a failure",
					typ, len(long.Value), len(own.Value))
			}
		}},
		{id: "DP-DEV-06", name: "features-checked-read-only-not-applied", run: func(c *harness.Check) {
			g, _ := c.Stopped()
			bad := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{1 << 63}.Encode())
			r := g.PartsSet(devctx.EncodeParts([]devctx.Part{bad}))
			c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of DEV_FEATURES with a bit the device does not offer: OK, want a failure")
			offered := g.Offered()
			ok := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{offered}.Encode())
			ro := devctx.NewCommonCfgPart(spec.CfgNumQueues, []byte{9, 0})
			sel := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
			if r := g.PartsSet(devctx.EncodeParts([]devctx.Part{ok, ro, sel})); r.Status != spec.StatusOK {
				c.Fatalf("DEV_PARTS_SET of DEV_FEATURES, num_queues and queue_select: %s/%s, want OK", r.Status, r.Qualifier)
			}
			g.MustMode(spec.ModeActive)
			harness.ExpectEq(c, g.CommonRead(spec.CfgNumQueues), harness.RigQueues, "num_queues after a SET of 9 (read-only)")
			harness.ExpectEq(c, g.CommonRead(spec.CfgQueueSelect), 1, "queue_select after a SET of 1, at resume")
		}},
		{id: "DP-DEV-08", name: "failed-set-no-side-effects", run: func(c *harness.Check) {
			// The refused SET leads with valid parts that change what the
			// device holds (driver_feature_select is 1 after the test
			// guest's set-up, queue_select 1 after the good SET): a device
			// that latches them although the SET fails resumes with them.
			good := devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})})
			bad := devctx.EncodeParts([]devctx.Part{devctx.NewCommonCfgPart(spec.CfgDriverFeatureSelect, []byte{0, 0, 0, 0}),
				devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{0, 0}),
				devctx.NewVQPart(spec.PartVQCfg, 7, make([]byte, 32))})
			after := func(fail bool) []byte {
				g, _ := c.Stopped()
				if r := g.PartsSet(good); r.Status != spec.StatusOK {
					c.SetUpFatalf("DEV_PARTS_SET of queue_select (before the failed SET)", "DEV_PARTS_SET of queue_select: %s/%s", r.Status, r.Qualifier)
				}
				if fail {
					before := g.State()
					r := g.PartsSet(bad)
					c.Expect(r.Status != spec.StatusOK, "DEV_PARTS_SET of a valid part and a part for queue 7 (of %d): OK, want a failure", harness.RigQueues)
					expectSameState(c, g.State(), before, "the parts read back after the failed SET")
				}
				g.MustMode(spec.ModeActive)
				return g.State()
			}
			expectSameState(c, after(true), after(false), "the parts after resume, with a failed SET before it, against the same steps without that SET")
			g, _ := c.Stopped()
			if r := g.PartsSet(bad); r.Status == spec.StatusOK {
				c.Fatalf("DEV_PARTS_SET with a part for queue 7 (of %d): OK, want a failure", harness.RigQueues)
			}
			g.MustMode(spec.ModeActive)
			harness.ExpectEq(c, g.CommonRead(spec.CfgDriverFeatureSelect), 1, "driver_feature_select at resume, after a failed SET of 0")
		}},
		{id: "AVQ-DEV-01", name: "parts-get-result-cap", editions: []spec.Edition{spec.Virtio14}, run: partsGetResultCap},
		{id: "DP-DEV-15", name: "metadata-buffer-too-small", also: []string{"AVQ-DEV-05", "ADM-DEV-04"}, run: func(c *harness.Check) {
			g, _ := c.Live()
			data := make([]byte, spec.ResourceObjCmdHeaderSize+8)
			data[spec.ResourceObjCmdHeaderSize] = uint8(spec.MetadataList)
			before := g.State()
			r := g.Admin(uint16(spec.OpDevPartsMetadataGet), data, 16)
			harness.ExpectEq(c, r.Status, spec.StatusENOMEM, "DEV_PARTS_METADATA_GET(LIST) in a 16-byte buffer")
			if !bytesEqual(g.State(), before) {
				// An ENOMEM has no side effects (AVQ-DEV-05, a MUST);
				// any other failure should have none (ADM-DEV-04).
				id := "ADM-DEV-04"
				if r.Status == spec.StatusENOMEM {
					id = "AVQ-DEV-05"
				}
				c.Errorf(id, "the parts read back changed after DEV_PARTS_METADATA_GET failed with %s", r.Status)
			}
			r = g.Admin(uint16(spec.OpDevPartsMetadataGet), data, harness.SnapshotCap)
			harness.ExpectEq(c, r.Status, spec.StatusOK, "DEV_PARTS_METADATA_GET(LIST) in a 64 KiB buffer")
			data[spec.ResourceObjCmdHeaderSize] = uint8(spec.MetadataSize)
			r = g.Admin(uint16(spec.OpDevPartsMetadataGet), data, 8)
			if r.Status == spec.StatusOK && len(r.Result) >= 4 {
				// SIZE is the most the parts take (virtio spec, device parts
				// metadata: "maximum size"): a GET(ALL) may return less,
				// never more.
				size, all := int(binary.LittleEndian.Uint32(r.Result)), len(g.State())
				c.Expect(size >= all, "DEV_PARTS_METADATA_GET(SIZE) returns %d, less than the %d bytes DEV_PARTS_GET(ALL) returns", size, all)
			} else {
				c.Errorf("", "DEV_PARTS_METADATA_GET(SIZE): %s/%s with %d bytes", r.Status, r.Qualifier, len(r.Result))
			}
		}},
		{id: "DP-DEV-12", name: "reply-held-during-reset-and-pm", run: func(c *harness.Check) {
			g, _ := c.Live()
			g.Common(spec.CfgDeviceStatus, 0)
			tag := g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeStop), 0)
			_, early := g.Completion(tag)
			if early && len(g.Steps) > 0 {
				c.Errorf("", "DEV_MODE_SET answered during a virtio reset in progress")
			}
			g.Run()
			if _, ok := g.Completion(tag); !ok && !early {
				c.Errorf("", "DEV_MODE_SET during a reset never answered once the reset is done")
			}
			g.Timers = nil
			g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: harness.RigHost, Completer: harness.RigRID,
				Addr: pcie.PMCapOffset + 4, Data: []byte{3, 0}}})
			if len(g.Timers) == 0 {
				c.Fatalf("a PM transition to D3hot asks for no timer")
			}
			tag = g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeActive), 0)
			_, early = g.Completion(tag)
			if early {
				c.Errorf("", "DEV_MODE_SET answered during a PM transition in progress")
			}
			g.Fire()
			g.Run()
			if _, ok := g.Completion(tag); !ok && !early {
				c.Errorf("", "DEV_MODE_SET during a PM transition never answered once it is done")
			}
		}},
	}
}

// partsGetResultCap: DEV_PARTS_GET(ALL) into result buffers smaller than
// its result writes at most result_cap bytes (admin checks every
// completion for that); a success is the beginning of the whole result,
// the output past the buffer dropped (AVQ-DEV-01). Whether a GET may fail
// for a short buffer instead is not judged here.
func partsGetResultCap(c *harness.Check) {
	g, _ := c.Live()
	all := g.State()
	if len(all) < 32 {
		c.Fatalf("DEV_PARTS_GET(ALL) returned %d bytes", len(all))
	}
	for _, capacity := range []int{8, 20, len(all) / 2, len(all) - 1} {
		r := g.Admin(uint16(spec.OpDevPartsGet), harness.PartsGetData(spec.PartsGetAll), capacity)
		if r.Status == spec.StatusOK && len(r.Result) <= capacity {
			c.ExpectSame(r.Result, all[:capacity], fmt.Sprintf("DEV_PARTS_GET(ALL) in a %d-byte buffer (the whole result is %d bytes)", capacity, len(all)))
		}
	}
}

// partOf returns the part of ps with want's type and selector (a
// PCI_COMMON_CFG part's field, a virtqueue part's queue).
func partOf(ps []devctx.Part, want devctx.Part) (devctx.Part, bool) {
	for _, p := range ps {
		if p.Type == want.Type && p.Selector == want.Selector {
			return p, true
		}
	}
	return devctx.Part{}, false
}
