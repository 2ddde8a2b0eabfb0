package member

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// objHeaderSize is the resource-object header at the start of the data of
// the parts commands.
const objHeaderSize = spec.ResourceObjCmdHeaderSize

// execV14 executes a virtio-1.4 member command. The data of the parts
// commands starts with the 8-byte resource-object header (the owner has
// validated the object and its GET/SET type).
func (d *Core) execV14(req AdminRequest, fx *Effects) ([]byte, *adminError) {
	switch spec.Opcode(req.Opcode) {
	case spec.OpDevModeSet:
		to := spec.ModeActive
		if dataByte(req.Data, 0)&spec.DevModeFlagStopped != 0 {
			to = spec.ModeStop
		}
		d.setMode(to, fx)
		return nil, nil
	case spec.OpDevPartsMetadataGet:
		return d.metadataGet(spec.MetadataType(dataByte(req.Data, objHeaderSize)), req.ResultCap)
	case spec.OpDevPartsGet:
		return d.partsGet(req.Data, req.ResultCap)
	case spec.OpDevPartsSet:
		return nil, d.partsSet(req.Data, fx)
	}
	return nil, invalidOpcode("not a virtio-1.4 member command")
}

// metadataGet answers DEV_PARTS_METADATA_GET; a result buffer too small is
// ENOMEM (DP-DEV-15).
func (d *Core) metadataGet(t spec.MetadataType, capacity int) ([]byte, *adminError) {
	ps := d.parts()
	var r []byte
	switch t {
	case spec.MetadataSize:
		r = devctx.MetadataSize{Size: uint32(len(devctx.EncodeParts(ps)))}.Encode()
	case spec.MetadataCount:
		r = devctx.MetadataCount{Count: uint32(len(ps))}.Encode()
	case spec.MetadataList:
		l := devctx.MetadataList{Count: uint32(len(ps))}
		for _, p := range ps {
			l.Headers = append(l.Headers, p.Header())
		}
		r = l.Encode()
	default:
		return nil, invalidField("metadata type " + t.String())
	}
	if len(r) > capacity {
		return nil, noMem("result buffer too small")
	}
	return r, nil
}

// partsGet answers DEV_PARTS_GET: ALL, or SELECTED by the header list (a
// selected part that does not exist is skipped), always in the required
// order and always the full current state (repeatable). A result past the
// buffer is clipped (AVQ-DEV-01).
func (d *Core) partsGet(data []byte, capacity int) ([]byte, *adminError) {
	ps := d.parts()
	switch spec.PartsGetType(dataByte(data, objHeaderSize)) {
	case spec.PartsGetAll:
	case spec.PartsGetSelected:
		var list []byte
		if len(data) > objHeaderSize+8 {
			list = data[objHeaderSize+8:]
		}
		hdrs, err := devctx.DecodePartHeaders(list)
		if err != nil {
			return nil, invalidField(err.Error())
		}
		var sel []devctx.Part
		for _, p := range ps {
			for _, h := range hdrs {
				if h.Type == p.Type && h.Selector == p.Selector {
					sel = append(sel, p)
					break
				}
			}
		}
		ps = sel
	default:
		return nil, invalidField("parts get type " + spec.PartsGetType(dataByte(data, objHeaderSize)).String())
	}
	r := devctx.EncodeParts(ps)
	if capacity >= 0 && len(r) > capacity {
		r = r[:capacity]
	}
	return r, nil
}

// partsSet answers DEV_PARTS_SET: only while stopped (DP-DEV-04); the parts
// are decoded (lengths DP-DEV-05, order, duplicates) and applied to a copy
// of the state before anything is latched, so a failed SET has no side
// effect (DP-DEV-08); the values take effect at the next resume.
func (d *Core) partsSet(data []byte, fx *Effects) *adminError {
	if d.mode != spec.ModeStop {
		return invalidField("DEV_PARTS_SET while running")
	}
	var body []byte
	if len(data) > objHeaderSize {
		body = data[objHeaderSize:]
	}
	dec, err := devctx.DecodeParts(body, devctx.DecodeOptions{})
	if err != nil {
		return invalidField(err.Error())
	}
	all := dec.List
	if len(d.latchedParts) > 0 {
		all = append(d.latchedParts, dec.List...)
	}
	scratch := d.st.clone()
	if err := d.applyParts(&scratch, all); err != nil {
		return invalidField(err.Error())
	}
	for _, w := range dec.Unknown {
		fx.note("%s: ignored", w)
	}
	// all is ours (the decoded list, or the latched parts with it
	// appended); the new parts' values still alias the caller's data.
	ownValues(all[len(d.latchedParts):])
	d.latchedParts = all
	return nil
}

// ownValues points the parts' values at one copy of them all, each capped
// so that appending to one never reaches the next; an empty value becomes
// nil.
func ownValues(ps []devctx.Part) {
	n := 0
	for _, p := range ps {
		n += len(p.Value)
	}
	buf := make([]byte, 0, n)
	for i, p := range ps {
		if len(p.Value) == 0 {
			ps[i].Value = nil
			continue
		}
		start := len(buf)
		buf = append(buf, p.Value...)
		ps[i].Value = buf[start:len(buf):len(buf)]
	}
}
