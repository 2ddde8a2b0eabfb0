package ownerview

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The host's image of a member's context, built from what its reads
// returned (the package comment describes the rule the frozen-context
// oracle judges it by).

// ctxView is what the host knows of one member's context.
type ctxView struct {
	draft devctx.DraftContext
	// A draft read in progress (remaining_ctx_size > 0): the fields and
	// bytes of its chunks so far (total: their contexts' lengths).
	chunk             devctx.DraftContext
	chunks            int
	firstChunk, total int
	// size is the last size query's result; sizeFresh while nothing else
	// was received since, sizeExact for a draft freeze_mode=0 query.
	size      int64
	sizeFresh bool
	sizeExact bool
	// sizeQuiesced: the member was stopped (or frozen) in the host's view
	// when the size query was answered. sizeWatch is set from the size
	// query's submission (the member may answer it any time after) to the
	// next complete read; sizeWritten: a write TLP reached the member in
	// that time, sizeNotified: a driver notification did.
	sizeQuiesced, sizeWatch, sizeWritten, sizeNotified bool
	// epochImg is the image after the first complete read of epoch
	// epochOf; epochDigest the member's digest then.
	epochImg    []byte
	epochOf     int
	epochFrozen bool
	epochDigest uint64
	epochDKnown bool
	// last is the last complete quiesced read whose digest was recorded,
	// of any epoch (nil: none).
	last *EarlierRead
	// answerDigest is the member's ContextDigest when it answered the last
	// read (recorded in the event that completed it).
	answerDigest uint64
	answerKnown  bool
}

// ReadsContext reports whether opcode reads a member's context in edition
// ed: a draft DEV_CTX_READ, a virtio-1.4 DEV_PARTS_GET.
func ReadsContext(ed spec.Edition, opcode uint16) bool {
	return (ed == spec.Draft2023 && spec.DraftOpcode(opcode) == spec.DraftOpDevCtxRead) ||
		(ed == spec.Virtio14 && spec.Opcode(opcode) == spec.OpDevPartsGet)
}

// Answered records member vf's own digest of its context when it answered
// a context or parts read (in the event that completed it).
func (r *Record) Answered(vf int, digest uint64) {
	t := r.truth(vf)
	t.ctx.answerDigest, t.ctx.answerKnown = digest, true
}

// contextRead updates the host's image from a received completion and
// returns the read it completes, if any.
func (r *Record) contextRead(vf int, c adminq.Completion, before OwnerView) *ContextRead {
	t := r.truth(vf)
	v := &t.ctx
	if c.Result.Status != spec.StatusOK {
		v.sizeFresh = false
		return nil
	}
	data := c.Result.Data
	if r.env.Edition() == spec.Draft2023 {
		switch spec.DraftOpcode(c.Command.Opcode) {
		case spec.DraftOpDevCtxSizeGet:
			v.size, v.sizeFresh = int64(LE64(data)), true
			v.sizeExact = len(c.Command.Data) == 0 || c.Command.Data[0] == 0
			v.sizeQuiesced = before.Stopped()
			return nil
		case spec.DraftOpDevCtxRead:
			return draftChunk(t, data, before)
		}
		v.sizeFresh = false
		return nil
	}
	switch spec.Opcode(c.Command.Opcode) {
	case spec.OpDevPartsMetadataGet:
		if len(c.Command.Data) > 8 && spec.MetadataType(c.Command.Data[8]) == spec.MetadataSize {
			v.size, v.sizeFresh, v.sizeExact = int64(devctx.DecodeMetadataSize(data).Size), true, false
			v.sizeQuiesced = before.Stopped()
			return nil
		}
	case spec.OpDevPartsGet:
		if len(c.Command.Data) > 8 && spec.PartsGetType(c.Command.Data[8]) == spec.PartsGetAll {
			rd := &ContextRead{Returned: data, FirstChunk: len(data), Chunks: 1, Total: len(data), Size: -1}
			rd.Image, rd.Err = partsImage(data)
			rd.Whole = rd.Image
			return finishRead(t, rd, before)
		}
	}
	v.sizeFresh = false
	return nil
}

// draftChunk takes one DEV_CTX_READ result; the read is complete when
// remaining_ctx_size is 0.
func draftChunk(t *memberTruth, data []byte, before OwnerView) *ContextRead {
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
	v.total += len(res.Ctx)
	v.chunk.Fields = append(v.chunk.Fields, got.Fields...)
	if err == nil && res.Remaining > 0 && len(got.Fields) > 0 {
		return nil
	}
	r := &ContextRead{Returned: devctx.EncodeDraftContext(v.chunk), Whole: devctx.EncodeDraftContext(devctx.Canonical(v.chunk)),
		FirstChunk: v.firstChunk, Chunks: v.chunks, Total: v.total, Size: -1, Err: err}
	v.draft = devctx.Merge(v.draft, v.chunk)
	v.chunk, v.chunks, v.firstChunk, v.total = devctx.DraftContext{}, 0, 0, 0
	r.Image = devctx.EncodeDraftContext(v.draft)
	return finishRead(t, r, before)
}

// finishRead fills in the epoch, size and digest of a complete read.
func finishRead(t *memberTruth, r *ContextRead, before OwnerView) *ContextRead {
	v := &t.ctx
	if v.sizeFresh {
		r.Size, r.SizeExact, r.SizeQuiesced = v.size, v.sizeExact, v.sizeQuiesced
		r.WrittenSinceSize, r.NotifiedSinceSize = v.sizeWritten, v.sizeNotified
	}
	v.sizeWatch, v.sizeWritten, v.sizeNotified = false, false, false
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
		if known && r.Err == nil {
			r.Earlier = v.last
		}
	}
	if known && r.Err == nil {
		v.last = &EarlierRead{Whole: r.Whole, Digest: r.Digest}
	}
	r.EpochImage, r.EpochFrozen = v.epochImg, v.epochFrozen
	r.EpochDigest, r.DigestKnown = v.epochDigest, known && v.epochDKnown
	return r
}

// Auditable reports whether the host read member vf in the current
// quiesced epoch (so a later read has something to be compared with);
// present says whether the member exists.
func (r *Record) Auditable(vf int, present bool) bool {
	t, ok := r.members[vf]
	return ok && t.ctx.epochImg != nil && t.ctx.epochOf == t.epoch && r.View(vf, present).Stopped()
}

// AnyAuditable reports whether any member is Auditable; present says
// whether member vf exists.
func (r *Record) AnyAuditable(present func(vf int) bool) bool {
	for vf := range r.members {
		if r.Auditable(vf, present(vf)) {
			return true
		}
	}
	return false
}

// sizeQuery reports whether c asks member vf's context or parts size: a
// draft DEV_CTX_SIZE_GET, a virtio-1.4 METADATA_GET(SIZE).
func sizeQuery(ed spec.Edition, c adminq.Command) bool {
	if ed == spec.Draft2023 {
		return spec.DraftOpcode(c.Opcode) == spec.DraftOpDevCtxSizeGet
	}
	return spec.Opcode(c.Opcode) == spec.OpDevPartsMetadataGet && len(c.Data) > 8 &&
		spec.MetadataType(c.Data[8]) == spec.MetadataSize
}

// partsImage returns the image of a DEV_PARTS_GET(ALL) result and the
// error it reads with. A result that decodes in the required order
// (DP-DEV-03) is decoded once; one that only decodes in any order images as
// NormalisedParts and errs with the order; one that does not decode at all
// images as the bytes returned and errs as NormalisedParts does.
func partsImage(data []byte) ([]byte, error) {
	ps, err := devctx.DecodeParts(data, devctx.DecodeOptions{Complete: true})
	if err == nil {
		return sortedParts(ps.List), nil
	}
	img, nerr := NormalisedParts(data)
	if nerr != nil {
		return data, nerr
	}
	return img, err // whole parts, but not in the required order
}
