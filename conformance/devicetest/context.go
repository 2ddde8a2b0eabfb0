package devicetest

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// The draft-2023 device context: where DEV_CTX_WRITE is allowed,
// incremental reads, DISCARD, small buffers, split writes, SIZE_GET and
// the TLV encoding.

// ctxWrite sends DEV_CTX_WRITE with the given fields.
func (g *rig) ctxWrite(fields []devctx.Field) (spec.Status, spec.Qualifier) {
	c := g.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{Fields: fields}), 0)
	return c.Status, c.Qualifier
}

// discard sends DEV_CTX_DISCARD, a set-up step of a context read unless
// the test judges the read itself.
func (g *rig) discard() {
	defer g.c.setUp(stepStateRead, "DEV_CTX_DISCARD")()
	if c := g.admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0); c.Status != spec.StatusOK {
		g.c.fatalf("DEV_CTX_DISCARD: %s/%s, want OK", c.Status, c.Qualifier)
	}
}

// destination builds a second device over the source's disk and a copy of
// its guest memory, with the guest's MSI-X table, as a migration's
// destination.
func (c *check) destination(src *rig) *rig {
	var link *membernet.Link
	if src.port != nil {
		link = src.port.Link()
	}
	dst := c.newRigOn(src.disk, src.mem.Clone(), link)
	dst.setupMSIX()
	return dst
}

func contextTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-01", name: "write-only-in-freeze", run: func(c *check) {
			g, _ := c.live()
			ctx := devctx.DraftContext{Fields: g.readAfterDiscard(snapshotCap)}
			for _, m := range []spec.Mode{spec.ModeActive, spec.ModeStop} {
				g.mustMode(m)
				st, q := g.ctxWrite(ctx.Fields)
				c.expect(st == spec.StatusEINVAL && q == spec.QInvalidField, "DEV_CTX_WRITE in %s: %s/%s, want EINVAL/INVALID_FIELD", m, st, q)
			}
			g.mustMode(spec.ModeFreeze)
			st, q := g.ctxWrite(ctx.Fields)
			c.expect(st == spec.StatusOK, "DEV_CTX_WRITE of the device's own context in Freeze: %s/%s, want OK", st, q)
		}},
		{id: "DRAFT-CTX-02", name: "incremental-reads", judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeFreeze)
			full := g.readAfterDiscard(snapshotCap)
			c.expect(len(full) > 0, "the first read after DEV_CTX_DISCARD returns no field")
			again := g.readContext(snapshotCap)
			expectEq(c, len(again), 0, "fields returned by a second read with nothing changed (read=incremental-clear)")
			g.mustMode(spec.ModeStop)
			g.common(spec.CfgQueueSelect, 1)
			changed := g.readContext(snapshotCap)
			c.expect(len(changed) > 0 && len(changed) < len(full),
				"a read after a register write returns %d fields, want the changed ones only (0 < n < %d)", len(changed), len(full))
		}},
		{id: "DRAFT-CTX-02", name: "full-reads", knobs: []string{"read=full"}, judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeFreeze)
			first := encodeFields(g.readAfterDiscard(snapshotCap))
			c.expectSame(encodeFields(g.readContext(snapshotCap)), first, "a second read with read=full")
		}},
		{id: "DRAFT-CTX-03", name: "discard-restarts-full", judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeFreeze)
			first := encodeFields(g.readAfterDiscard(snapshotCap))
			g.readContext(snapshotCap)
			c.expectSame(encodeFields(g.readAfterDiscard(snapshotCap)), first, "the read after a second DEV_CTX_DISCARD")
		}},
		{id: "DRAFT-CTX-04", name: "small-buffer-whole-fields", judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			g.mustMode(spec.ModeFreeze)
			full := encodeFields(g.readAfterDiscard(snapshotCap))
			g.discard()
			var got []devctx.Field
			for i := 0; ; i++ {
				if i > 64 {
					c.fatalf("DEV_CTX_READ with a 120-byte buffer: still data remaining after 64 reads")
				}
				r := g.admin(uint16(spec.DraftOpDevCtxRead), nil, 120)
				if r.Status != spec.StatusOK {
					c.fatalf("DEV_CTX_READ with a 120-byte buffer: %s/%s, want OK", r.Status, r.Qualifier)
				}
				res, err := devctx.DecodeCtxReadResult(r.Result)
				if err != nil {
					c.fatalf("DEV_CTX_READ result: %v", err)
				}
				part, err := devctx.DecodeDraftContext(res.Ctx)
				if err != nil {
					c.fatalf("DEV_CTX_READ chunk %d is not a context of whole fields: %v", i, err)
				}
				if res.Remaining > 0 && len(part.Fields) == 0 {
					c.fatalf("DEV_CTX_READ chunk %d holds no field but %d bytes remain", i, res.Remaining)
				}
				got = append(got, part.Fields...)
				if res.Remaining == 0 {
					break
				}
			}
			c.expectSame(encodeFields(got), full, "the context read in 120-byte chunks")
		}},
		{id: "DRAFT-CTX-05", name: "split-write", run: func(c *check) {
			src, _ := c.live()
			src.mustMode(spec.ModeFreeze)
			fields := src.readAfterDiscard(snapshotCap)
			if len(fields) < 2 {
				c.fatalf("a context of %d fields cannot be split", len(fields))
			}
			whole := c.destination(src)
			whole.mustMode(spec.ModeFreeze)
			if st, q := whole.ctxWrite(fields); st != spec.StatusOK {
				c.setUpFatalf("DEV_CTX_WRITE of the whole context (the destination to compare with)", "DEV_CTX_WRITE of the whole context: %s/%s", st, q)
			}
			split := c.destination(src)
			split.mustMode(spec.ModeFreeze)
			half := len(fields) / 2
			// The first half twice, the second time after the rest: the most
			// recent value of each field counts.
			for i, part := range [][]devctx.Field{fields[:half], fields[half:], fields[:half]} {
				if st, q := split.ctxWrite(part); st != spec.StatusOK {
					c.fatalf("DEV_CTX_WRITE of part %d of the context: %s/%s", i, st, q)
				}
			}
			whole.mustMode(spec.ModeActive)
			split.mustMode(spec.ModeActive)
			c.expectSame(split.state(), whole.state(), "the context of a destination written in three parts, against one written at once")
		}},
		{id: "DRAFT-CTX-06", name: "size-get-matches-read", judges: stepStateRead, run: func(c *check) {
			g, _ := c.live()
			for _, m := range []spec.Mode{spec.ModeActive, spec.ModeFreeze} {
				g.mustMode(m)
				g.discard()
				r := g.admin(uint16(spec.DraftOpDevCtxSizeGet), []byte{0, 0, 0, 0, 0, 0, 0, 0}, 8)
				if r.Status != spec.StatusOK || len(r.Result) < 8 {
					c.fatalf("DEV_CTX_SIZE_GET in %s: %s/%s with %d bytes", m, r.Status, r.Qualifier, len(r.Result))
				}
				size := devctx.DecodeCtxSizeResult(r.Result).Size
				expectEq(c, size, uint64(len(encodeFields(g.readContext(snapshotCap)))), "DEV_CTX_SIZE_GET in "+m.String()+" against the bytes of the read that follows")
			}
		}},
		{id: "DRAFT-CTX-08", name: "fields-aligned-and-padded", run: func(c *check) {
			g, _ := c.live()
			g.discard()
			r := g.admin(uint16(spec.DraftOpDevCtxRead), nil, snapshotCap)
			res, err := devctx.DecodeCtxReadResult(r.Result)
			if r.Status != spec.StatusOK || err != nil {
				c.fatalf("DEV_CTX_READ: %s/%s %v", r.Status, r.Qualifier, err)
			}
			// The decoder rejects a value not padded with zeros to 8 bytes.
			if _, err := devctx.DecodeDraftContext(res.Ctx); err != nil {
				c.errorf("", "the context read: %v", err)
			}
			expectEq(c, len(res.Ctx)%8, 0, "context length modulo 8")
		}},
	}
}

// readAfterDiscard discards the read cursor and reads the whole context.
func (g *rig) readAfterDiscard(capacity int) []devctx.Field {
	g.discard()
	return g.readContext(capacity)
}

func encodeFields(fs []devctx.Field) []byte {
	return devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs})
}

// freshState is the state a new device of the same configuration reads.
func (c *check) freshState(disk *blk.Disk) []byte { return c.newRig(disk, nil).state() }
