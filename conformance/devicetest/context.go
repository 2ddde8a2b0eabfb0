package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The draft-2023 device context: where DEV_CTX_WRITE is allowed,
// incremental reads, DISCARD, small buffers, split writes, SIZE_GET and
// the TLV encoding.

func contextTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-01", name: "write-only-in-freeze", run: func(c *harness.Check) {
			g, _ := c.Live()
			ctx := devctx.DraftContext{Fields: g.ReadAfterDiscard(harness.SnapshotCap)}
			for _, m := range []spec.Mode{spec.ModeActive, spec.ModeStop} {
				g.MustMode(m)
				st, q := g.CtxWrite(ctx.Fields)
				c.Expect(st == spec.StatusEINVAL && q == spec.QInvalidField, "DEV_CTX_WRITE in %s: %s/%s, want EINVAL/INVALID_FIELD", m, st, q)
			}
			g.MustMode(spec.ModeFreeze)
			st, q := g.CtxWrite(ctx.Fields)
			c.Expect(st == spec.StatusOK, "DEV_CTX_WRITE of the device's own context in Freeze: %s/%s, want OK", st, q)
		}},
		{id: "DRAFT-CTX-02", name: "incremental-reads", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			g.MustMode(spec.ModeFreeze)
			full := g.ReadAfterDiscard(harness.SnapshotCap)
			c.Expect(len(full) > 0, "the first read after DEV_CTX_DISCARD returns no field")
			again := g.ReadContext(harness.SnapshotCap)
			harness.ExpectEq(c, len(again), 0, "fields returned by a second read with nothing changed (read=incremental-clear)")
			g.MustMode(spec.ModeStop)
			g.Common(spec.CfgQueueSelect, 1)
			changed := g.ReadContext(harness.SnapshotCap)
			c.Expect(len(changed) > 0 && len(changed) < len(full),
				"a read after a register write returns %d fields, want the changed ones only (0 < n < %d)", len(changed), len(full))
		}},
		{id: "DRAFT-CTX-02", name: "full-reads", knobs: []string{"read=full"}, judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			g.MustMode(spec.ModeFreeze)
			first := encodeFields(g.ReadAfterDiscard(harness.SnapshotCap))
			expectSameState(c, encodeFields(g.ReadContext(harness.SnapshotCap)), first, "a second read with read=full")
		}},
		{id: "DRAFT-CTX-03", name: "discard-restarts-full", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			g.MustMode(spec.ModeFreeze)
			first := encodeFields(g.ReadAfterDiscard(harness.SnapshotCap))
			g.ReadContext(harness.SnapshotCap)
			expectSameState(c, encodeFields(g.ReadAfterDiscard(harness.SnapshotCap)), first, "the read after a second DEV_CTX_DISCARD")
		}},
		{id: "DRAFT-CTX-04", name: "small-buffer-whole-fields", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			g.MustMode(spec.ModeFreeze)
			full := encodeFields(g.ReadAfterDiscard(harness.SnapshotCap))
			// A second whole read after a discard: a device that keeps its
			// baseline across DEV_CTX_DISCARD fails here (DRAFT-CTX-03),
			// not in the chunks below.
			g.ReadAfterDiscard(harness.SnapshotCap)
			g.Discard()
			var got []devctx.Field
			for i := 0; ; i++ {
				if i > 64 {
					c.Fatalf("DEV_CTX_READ with a 120-byte buffer: still data remaining after 64 reads")
				}
				r := g.Admin(uint16(spec.DraftOpDevCtxRead), nil, 120)
				if r.Status != spec.StatusOK {
					c.Fatalf("DEV_CTX_READ with a 120-byte buffer: %s/%s, want OK", r.Status, r.Qualifier)
				}
				res, err := devctx.DecodeCtxReadResult(r.Result)
				if err != nil {
					c.Fatalf("DEV_CTX_READ result: %v", err)
				}
				part, err := devctx.DecodeDraftContext(res.Ctx)
				if err != nil {
					c.Fatalf("DEV_CTX_READ chunk %d is not a context of whole fields: %v", i, err)
				}
				if res.Remaining > 0 && len(part.Fields) == 0 {
					c.Fatalf("DEV_CTX_READ chunk %d holds no field but %d bytes remain", i, res.Remaining)
				}
				got = append(got, part.Fields...)
				if res.Remaining == 0 {
					break
				}
			}
			expectSameState(c, encodeFields(got), full, "the context read in 120-byte chunks")
		}},
		{id: "DRAFT-CTX-05", name: "split-write", run: func(c *harness.Check) {
			src, _ := c.Live()
			src.MustMode(spec.ModeFreeze)
			fields := src.ReadAfterDiscard(harness.SnapshotCap)
			if len(fields) < 2 {
				c.Fatalf("a context of %d fields cannot be split", len(fields))
			}
			whole := c.Destination(src)
			whole.MustMode(spec.ModeFreeze)
			if st, q := whole.CtxWrite(fields); st != spec.StatusOK {
				c.SetUpFatalf("DEV_CTX_WRITE of the whole context (the destination to compare with)", "DEV_CTX_WRITE of the whole context: %s/%s", st, q)
			}
			split := c.Destination(src)
			split.MustMode(spec.ModeFreeze)
			half := len(fields) / 2
			// The first half twice, the second time after the rest: the most
			// recent value of each field counts.
			for i, part := range [][]devctx.Field{fields[:half], fields[half:], fields[:half]} {
				if st, q := split.CtxWrite(part); st != spec.StatusOK {
					c.Fatalf("DEV_CTX_WRITE of part %d of the context: %s/%s", i, st, q)
				}
			}
			whole.MustMode(spec.ModeActive)
			split.MustMode(spec.ModeActive)
			expectSameState(c, split.State(), whole.State(), "the context of a destination written in three parts, against one written at once")
		}},
		{id: "DRAFT-CTX-06", name: "size-get-matches-read", judges: harness.StepStateRead, run: func(c *harness.Check) {
			g, _ := c.Live()
			for _, m := range []spec.Mode{spec.ModeActive, spec.ModeFreeze} {
				g.MustMode(m)
				g.Discard()
				r := g.Admin(uint16(spec.DraftOpDevCtxSizeGet), []byte{0, 0, 0, 0, 0, 0, 0, 0}, 8)
				if r.Status != spec.StatusOK || len(r.Result) < 8 {
					c.Fatalf("DEV_CTX_SIZE_GET in %s: %s/%s with %d bytes", m, r.Status, r.Qualifier, len(r.Result))
				}
				size := devctx.DecodeCtxSizeResult(r.Result).Size
				harness.ExpectEq(c, size, uint64(len(encodeFields(g.ReadContext(harness.SnapshotCap)))), "DEV_CTX_SIZE_GET in "+m.String()+" against the bytes of the read that follows")
			}
		}},
		{id: "DRAFT-CTX-01", name: "pending-events-applied", run: pendingEventsApplied},
		{id: "DRAFT-CTX-06", name: "size-get-freeze-bound", judges: harness.StepStateRead, run: sizeGetFreezeBound},
		{id: "DRAFT-CTX-07", name: "split-write-carried", run: splitWriteCarried},
		{id: "DRAFT-CTX-08", name: "fields-aligned-and-padded", run: func(c *harness.Check) {
			g, _ := c.Live()
			g.Discard()
			r := g.Admin(uint16(spec.DraftOpDevCtxRead), nil, harness.SnapshotCap)
			res, err := devctx.DecodeCtxReadResult(r.Result)
			if r.Status != spec.StatusOK || err != nil {
				c.Fatalf("DEV_CTX_READ: %s/%s %v", r.Status, r.Qualifier, err)
			}
			// The decoder rejects a value not padded with zeros to 8 bytes.
			if _, err := devctx.DecodeDraftContext(res.Ctx); err != nil {
				c.Errorf("", "the context read: %v", err)
			}
			harness.ExpectEq(c, len(res.Ctx)%8, 0, "context length modulo 8")
		}},
	}
}

// sizeGetFreezeBound: DEV_CTX_SIZE_GET with freeze_mode 1, asked in
// Active before the driver leaves a 64-bit queue address half written, is
// an upper bound for the read in Freeze, which carries that half in
// PCI_COMMON_RUNTIME_CFG (DRAFT-CTX-07); so is the one asked in Freeze. A
// device that answers freeze_mode 1 with the size of a read now (freeze_mode
// 0) under-counts.
func sizeGetFreezeBound(c *harness.Check) {
	g := c.NewRig(nil, nil)
	sizeGet := func(when string) uint64 {
		r := g.Admin(uint16(spec.DraftOpDevCtxSizeGet), []byte{1, 0, 0, 0, 0, 0, 0, 0}, 8)
		if r.Status != spec.StatusOK || len(r.Result) < 8 {
			c.Fatalf("DEV_CTX_SIZE_GET(freeze_mode 1) %s: %s/%s with %d bytes", when, r.Status, r.Qualifier, len(r.Result))
		}
		return devctx.DecodeCtxSizeResult(r.Result).Size
	}
	before := sizeGet("in Active")
	g.Common(spec.CfgQueueSelect, 1)
	g.Common(spec.CfgQueueDescLo, 0x11112000)
	g.MustMode(spec.ModeStop)
	g.MustMode(spec.ModeFreeze)
	in := sizeGet("in Freeze")
	read := uint64(len(encodeFields(g.ReadAfterDiscard(harness.SnapshotCap))))
	c.Expect(read <= before, "the read in Freeze, after queue 1's queue_desc lo was written alone, returns %d bytes, more than the %d DEV_CTX_SIZE_GET(freeze_mode 1) returned in Active before that write", read, before)
	c.Expect(read <= in, "the read in Freeze returns %d bytes, more than the %d DEV_CTX_SIZE_GET(freeze_mode 1) returned in Freeze", read, in)
}

func encodeFields(fs []devctx.Field) []byte {
	return devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs})
}
