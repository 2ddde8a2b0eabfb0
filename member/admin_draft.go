package member

import (
	"bytes"
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// execDraft executes a draft-2023 member command.
func (b *Blk) execDraft(req AdminRequest, fx *Effects) ([]byte, *adminError) {
	switch spec.DraftOpcode(req.Opcode) {
	case spec.DraftOpDevModeSet:
		return nil, b.draftModeSet(req.Data, fx)
	case spec.DraftOpDevModeGet:
		r := make([]byte, 8)
		r[0] = uint8(b.mode)
		return r, nil
	case spec.DraftOpDevCtxSizeGet:
		return b.draftSizeGet(dataByte(req.Data, 0) == 1), nil
	case spec.DraftOpDevCtxRead:
		return b.draftRead(req.ResultCap)
	case spec.DraftOpDevCtxWrite:
		return nil, b.draftWrite(req.Data)
	case spec.DraftOpDevCtxFieldsQuery:
		var q devctx.FieldsQuery
		for _, f := range b.draftFields() {
			q.Entries = append(q.Entries, devctx.FieldInfo{Type: f.Type, Length: uint32(len(f.Value))})
		}
		return q.Encode(), nil
	case spec.DraftOpDevCtxDiscard:
		b.baseline, b.cursor = nil, nil
		return nil, nil
	}
	return nil, invalidOpcode("not a draft-2023 member command")
}

// draftModeSet: {u8 mode; u8 reserved[7]}; mode > 2 or a transition the
// transitions knob forbids → EINVAL/INVALID_FIELD.
func (b *Blk) draftModeSet(data []byte, fx *Effects) *adminError {
	to := spec.Mode(dataByte(data, 0))
	if !b.cfg.Edition.HasMode(to) {
		return invalidField("mode " + to.String() + " out of range")
	}
	if !b.cfg.Edition.TransitionAllowed(b.cfg.Rules, b.mode, to) {
		return invalidField("transition " + b.mode.String() + " -> " + to.String() + " not allowed")
	}
	b.setMode(to, fx)
	return nil
}

// readSelection returns the fields the next DEV_CTX_READ returns: the
// cursor's rest, else every field (first read, read=full) or those changed
// since the baseline. It changes nothing.
func (b *Blk) readSelection() (sel, all []devctx.Field, fromCursor bool) {
	if len(b.cursor) > 0 {
		return b.cursor, nil, true
	}
	all = b.draftFields()
	if b.baseline == nil || b.cfg.Rules.Read == spec.ReadFull {
		return all, all, false
	}
	for i, f := range all {
		if i >= len(b.baseline) || !bytes.Equal(b.baseline[i].Value, f.Value) {
			sel = append(sel, f)
		}
	}
	return sel, all, false
}

func fieldsSize(fs []devctx.Field) int {
	n := spec.DraftCtxHeaderSize
	for _, f := range fs {
		n += f.EncodedSize()
	}
	return n
}

// draftSizeGet returns {le64 size}: the context bytes the next read would
// return; with freeze the upper bound for a read in Freeze (the full
// context with a split-write entry for every queue address and a
// device-owned entry for every descriptor).
func (b *Blk) draftSizeGet(freeze bool) []byte {
	sel, _, _ := b.readSelection()
	size := fieldsSize(sel)
	if freeze {
		full := b.draftFields()
		size = fieldsSize(full)
		var splits, owned, maxOwned int
		for qi := range b.st.queues {
			q := &b.st.queues[qi]
			for i := range addrLo {
				if q.split[i] != 0 {
					splits++
				}
			}
			owned += len(q.reqs)
			maxOwned += int(max(q.size, b.cfg.QueueSizeMax))
		}
		size += (numAddrs*len(b.st.queues) - splits) * devctx.SplitWriteSize
		size += (maxOwned - owned) * devctx.DevOwnDescSize
	}
	r := make([]byte, 8)
	binary.LittleEndian.PutUint64(r, uint64(size))
	return r
}

// draftRead answers DEV_CTX_READ: {le32 size; le32 remaining_ctx_size;
// ctx}. A result buffer smaller than the selection returns a prefix of
// whole fields and keeps the rest for the next read (cursor); one too small
// for the first field is ENOMEM with no side effect.
func (b *Blk) draftRead(capacity int) ([]byte, *adminError) {
	sel, all, fromCursor := b.readSelection()
	room := capacity - 8 - spec.DraftCtxHeaderSize
	n, used := 0, 0
	for n < len(sel) && used+sel[n].EncodedSize() <= room {
		used += sel[n].EncodedSize()
		n++
	}
	if n == 0 && len(sel) > 0 {
		return nil, noMem("result buffer too small for the next field")
	}
	if !fromCursor {
		b.baseline = all
	}
	rest := sel[n:]
	b.cursor = nil
	if len(rest) > 0 {
		b.cursor = rest
	}
	remaining := 0
	for _, f := range rest {
		remaining += f.EncodedSize()
	}
	ctx := devctx.EncodeDraftContext(devctx.DraftContext{Fields: sel[:n]})
	return devctx.CtxReadResult{Remaining: uint32(remaining), Ctx: ctx}.Encode(), nil
}

// draftWrite answers DEV_CTX_WRITE: only in Freeze; the fields are
// validated on a copy of the state, then latched (merged with earlier
// writes) and applied at the move to Active.
func (b *Blk) draftWrite(data []byte) *adminError {
	if b.mode != spec.ModeFreeze {
		return invalidField("DEV_CTX_WRITE outside Freeze")
	}
	c, err := devctx.DecodeDraftContext(data)
	if err != nil {
		return invalidField(err.Error())
	}
	merged := devctx.Merge(devctx.DraftContext{Fields: b.latchedFields}, c)
	scratch := cloneState(b.st)
	var ev pendingApply
	if err := b.applyFields(&scratch, merged.Fields, &ev); err != nil {
		return invalidField(err.Error())
	}
	// Keep our own copies: the request data belongs to the caller.
	fs := make([]devctx.Field, len(merged.Fields))
	for i, f := range merged.Fields {
		fs[i] = devctx.Field{Type: f.Type, Value: bytes.Clone(f.Value)}
	}
	b.latchedFields = fs
	return nil
}
