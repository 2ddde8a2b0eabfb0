package member

import (
	"bytes"
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// execDraft executes a draft-2023 member command.
func (d *Core) execDraft(req AdminRequest, fx *Effects) ([]byte, *adminError) {
	switch spec.DraftOpcode(req.Opcode) {
	case spec.DraftOpDevModeSet:
		return nil, d.draftModeSet(req.Data, fx)
	case spec.DraftOpDevModeGet:
		r := make([]byte, 8)
		r[0] = uint8(d.mode)
		return r, nil
	case spec.DraftOpDevCtxSizeGet:
		return d.draftSizeGet(dataByte(req.Data, 0) == 1), nil
	case spec.DraftOpDevCtxRead:
		return d.draftRead(req.ResultCap)
	case spec.DraftOpDevCtxWrite:
		return nil, d.draftWrite(req.Data)
	case spec.DraftOpDevCtxFieldsQuery:
		var q devctx.FieldsQuery
		for _, f := range d.draftFields() {
			q.Entries = append(q.Entries, devctx.FieldInfo{Type: f.Type, Length: uint32(len(f.Value))})
		}
		return q.Encode(), nil
	case spec.DraftOpDevCtxDiscard:
		d.baseline, d.cursor = nil, nil
		return nil, nil
	}
	return nil, invalidOpcode("not a draft-2023 member command")
}

// draftModeSet: {u8 mode; u8 reserved[7]}; mode > 2 or a transition the
// transitions knob forbids → EINVAL/INVALID_FIELD.
func (d *Core) draftModeSet(data []byte, fx *Effects) *adminError {
	to := spec.Mode(dataByte(data, 0))
	if !d.cfg.Edition.HasMode(to) {
		return invalidField("mode " + to.String() + " out of range")
	}
	if !d.cfg.Edition.TransitionAllowed(d.cfg.Rules, d.mode, to) {
		return invalidField("transition " + d.mode.String() + " -> " + to.String() + " not allowed")
	}
	d.setMode(to, fx)
	return nil
}

// readSelection returns the fields the next DEV_CTX_READ returns: the
// cursor's rest, else every field (first read, read=full) or those changed
// since the baseline. It changes nothing.
func (d *Core) readSelection() (sel, all []devctx.Field, fromCursor bool) {
	if len(d.cursor) > 0 {
		return d.cursor, nil, true
	}
	all = d.draftFields()
	if d.baseline == nil || d.cfg.Rules.Read == spec.ReadFull {
		return all, all, false
	}
	for i, f := range all {
		if i >= len(d.baseline) || !bytes.Equal(d.baseline[i].Value, f.Value) {
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
func (d *Core) draftSizeGet(freeze bool) []byte {
	sel, _, _ := d.readSelection()
	size := fieldsSize(sel)
	if freeze {
		full := d.draftFields()
		size = fieldsSize(full)
		var splits, owned, maxOwned int
		for qi := range d.st.queues {
			q := &d.st.queues[qi]
			for i := range QueueAddrLo {
				if q.Split[i] != 0 {
					splits++
				}
			}
			owned += len(q.reqs)
			maxOwned += int(max(q.Size, d.cfg.QueueSizeMax))
		}
		size += (NumQueueAddrs*len(d.st.queues) - splits) * devctx.SplitWriteSize
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
func (d *Core) draftRead(capacity int) ([]byte, *adminError) {
	sel, all, fromCursor := d.readSelection()
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
		d.baseline = all
	}
	rest := sel[n:]
	d.cursor = nil
	if len(rest) > 0 {
		d.cursor = rest
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
func (d *Core) draftWrite(data []byte) *adminError {
	if d.mode != spec.ModeFreeze {
		return invalidField("DEV_CTX_WRITE outside Freeze")
	}
	c, err := devctx.DecodeDraftContext(data)
	if err != nil {
		return invalidField(err.Error())
	}
	merged := devctx.Merge(devctx.DraftContext{Fields: d.latchedFields}, c)
	scratch := d.st.clone()
	var ev pendingApply
	if err := d.applyFields(&scratch, merged.Fields, &ev); err != nil {
		return invalidField(err.Error())
	}
	// Keep our own copies: the request data belongs to the caller.
	fs := make([]devctx.Field, len(merged.Fields))
	for i, f := range merged.Fields {
		fs[i] = devctx.Field{Type: f.Type, Value: bytes.Clone(f.Value)}
	}
	d.latchedFields = fs
	return nil
}
