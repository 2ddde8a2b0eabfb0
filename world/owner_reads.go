package world

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
)

// The host's image of a member's context, built from what its reads
// returned (package world/ownerview describes the rule the frozen-context
// oracle judges it by).

// ctxView is what the host knows of one member's context.
type ctxView struct {
	draft devctx.DraftContext
	// A draft read in progress (remaining_ctx_size > 0): the fields and
	// bytes of its chunks so far.
	chunk      devctx.DraftContext
	chunks     int
	firstChunk int
	// size is the last size query's result; sizeFresh while nothing else
	// was received since, sizeExact for a draft freeze_mode=0 query.
	size      int64
	sizeFresh bool
	sizeExact bool
	// epochImg is the image after the first complete read of epoch
	// epochOf; epochDigest the member's digest then.
	epochImg    []byte
	epochOf     int
	epochFrozen bool
	epochDigest uint64
	epochDKnown bool
	// answerDigest is the member's ContextDigest when it answered the last
	// read (recorded in the event that completed it).
	answerDigest uint64
	answerKnown  bool
}

// ContextRead is one complete context read as the host received it
// (ownerview.ContextRead).
type ContextRead = ownerview.ContextRead

// recordAnswer notes the member's own digest of its context when it
// answered a context or parts read (the event that completed it).
func (w *World) recordAnswer(h *host, fx owner.Effects) {
	for _, c := range fx.Completed {
		if c.Status != spec.StatusOK || c.Group != spec.GroupSRIOV || c.Member == 0 || c.Member > 0xffff {
			continue
		}
		read := (w.ed == spec.Draft2023 && spec.DraftOpcode(c.Opcode) == spec.DraftOpDevCtxRead) ||
			(w.ed == spec.Virtio14 && spec.Opcode(c.Opcode) == spec.OpDevPartsGet)
		if !read {
			continue
		}
		vf := int(c.Member)
		m, ok := h.pf.Member(vf)
		if !ok {
			continue
		}
		t := w.truth(h, vf)
		t.ctx.answerDigest, t.ctx.answerKnown = m.ContextDigest(), true
	}
}

// contextRead updates the host's image from a received completion and
// returns the read it completes, if any.
func (w *World) contextRead(h *host, vf int, c adminq.Completion, before OwnerView) *ContextRead {
	t := w.truth(h, vf)
	v := &t.ctx
	if c.Result.Status != spec.StatusOK {
		v.sizeFresh = false
		return nil
	}
	data := c.Result.Data
	if w.ed == spec.Draft2023 {
		switch spec.DraftOpcode(c.Command.Opcode) {
		case spec.DraftOpDevCtxSizeGet:
			v.size, v.sizeFresh = int64(ownerview.LE64(data)), true
			v.sizeExact = len(c.Command.Data) == 0 || c.Command.Data[0] == 0
			return nil
		case spec.DraftOpDevCtxRead:
			return w.draftChunk(t, data, before)
		}
		v.sizeFresh = false
		return nil
	}
	switch spec.Opcode(c.Command.Opcode) {
	case spec.OpDevPartsMetadataGet:
		if len(c.Command.Data) > 8 && spec.MetadataType(c.Command.Data[8]) == spec.MetadataSize {
			v.size, v.sizeFresh, v.sizeExact = int64(devctx.DecodeMetadataSize(data).Size), true, false
			return nil
		}
	case spec.OpDevPartsGet:
		if len(c.Command.Data) > 8 && spec.PartsGetType(c.Command.Data[8]) == spec.PartsGetAll {
			r := &ContextRead{Returned: data, FirstChunk: len(data), Chunks: 1, Size: -1}
			img, err := ownerview.NormalisedParts(data)
			if err != nil {
				r.Err = err
				img = data
			} else if _, err := devctx.DecodeParts(data, devctx.DecodeOptions{Complete: true}); err != nil {
				r.Err = err // whole parts, but not in the required order (DP-DEV-03)
			}
			r.Image = img
			return w.finishRead(t, r, before)
		}
	}
	v.sizeFresh = false
	return nil
}

// draftChunk takes one DEV_CTX_READ result; the read is complete when
// remaining_ctx_size is 0.
func (w *World) draftChunk(t *memberTruth, data []byte, before OwnerView) *ContextRead {
	v := &t.ctx
	res, err := devctx.DecodeCtxReadResult(data)
	var got devctx.DraftContext
	if err == nil && len(res.Ctx) > 0 {
		got, err = devctx.DecodeDraftContext(res.Ctx)
	}
	if v.chunks == 0 {
		v.firstChunk = len(res.Ctx)
	}
	v.chunks++
	v.chunk.Fields = append(v.chunk.Fields, got.Fields...)
	if err == nil && res.Remaining > 0 && len(got.Fields) > 0 {
		return nil
	}
	r := &ContextRead{Returned: devctx.EncodeDraftContext(v.chunk), FirstChunk: v.firstChunk, Chunks: v.chunks, Size: -1, Err: err}
	v.draft = devctx.Merge(v.draft, v.chunk)
	v.chunk, v.chunks, v.firstChunk = devctx.DraftContext{}, 0, 0
	r.Image = devctx.EncodeDraftContext(v.draft)
	return w.finishRead(t, r, before)
}

// finishRead fills in the epoch, size and digest of a complete read.
func (w *World) finishRead(t *memberTruth, r *ContextRead, before OwnerView) *ContextRead {
	v := &t.ctx
	if v.sizeFresh {
		r.Size, r.SizeExact = v.size, v.sizeExact
	}
	v.sizeFresh = false
	r.Quiesced, r.Frozen = before.Stopped(), before.Frozen()
	r.Digest = v.answerDigest
	known := v.answerKnown
	v.answerKnown = false
	if !r.Quiesced {
		return r
	}
	if v.epochImg == nil || v.epochOf != t.epoch {
		v.epochImg, v.epochOf, v.epochFrozen = r.Image, t.epoch, r.Frozen
		v.epochDigest, v.epochDKnown = r.Digest, known
		r.First = true
	}
	r.EpochImage, r.EpochFrozen = v.epochImg, v.epochFrozen
	r.EpochDigest, r.DigestKnown = v.epochDigest, known && v.epochDKnown
	return r
}

// auditable reports whether the host read member vf of h in the current
// quiesced epoch (so a later read has something to be compared with).
func (w *World) auditable(h *host, vf int) bool {
	t, ok := h.truth[vf]
	return ok && t.ctx.epochImg != nil && t.ctx.epochOf == t.epoch && w.ownerView(h, vf).Stopped()
}
