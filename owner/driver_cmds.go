package owner

import (
	"fmt"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

func (d *Driver) vfCmd(op uint16, vf int, data []byte, resultCap int) ([]byte, error) {
	return d.Exec(adminq.Command{Opcode: op, Group: spec.GroupSRIOV, Member: uint64(vf), Data: data}, resultCap)
}

// SetMode sends virtio-1.4 DEV_MODE_SET with Linux's 1-byte data: flags
// bit 0 (stopped) or 0 (running).
func (d *Driver) SetMode(vf int, stopped bool) error {
	var m adminq.ModeFlags
	if stopped {
		m.Flags = spec.DevModeFlagStopped
	}
	_, err := d.vfCmd(uint16(spec.OpDevModeSet), vf, m.Encode(), 0)
	return err
}

// partsObject is the header naming DEV_PARTS object id.
func partsObject(id uint32) adminq.ObjHeader {
	return adminq.ObjHeader{Type: spec.ResourceObjDevParts, ID: id}
}

// CreateObject allocates an id from the PF-wide allocator (0..limit−1) and
// creates a DEV_PARTS object of type ptype (GET or SET) for VF vf.
func (d *Driver) CreateObject(vf int, ptype uint8) (uint32, error) {
	id := uint32(0)
	for ; id < uint32(d.capLimit) && d.ids[id]; id++ {
	}
	if id >= uint32(d.capLimit) {
		return 0, fmt.Errorf("owner: create object for VF %d (limit %d): %w", vf, d.capLimit, ErrNoObjectID)
	}
	data := adminq.ObjCreate{Hdr: partsObject(id), Specific: adminq.DevPartsObj{Type: ptype}}.Encode()
	if _, err := d.vfCmd(uint16(spec.OpResourceObjCreate), vf, data, 0); err != nil {
		return 0, err
	}
	d.ids[id] = true
	return id, nil
}

// DestroyObject destroys object id of VF vf and frees its id.
func (d *Driver) DestroyObject(vf int, id uint32) error {
	if _, err := d.vfCmd(uint16(spec.OpResourceObjDestroy), vf, partsObject(id).Encode(), 0); err != nil {
		return err
	}
	delete(d.ids, id)
	return nil
}

// PartsMetadata sends DEV_PARTS_METADATA_GET of type typ with resultCap
// bytes of room and returns the result.
func (d *Driver) PartsMetadata(vf int, id uint32, typ spec.MetadataType, resultCap int) ([]byte, error) {
	data := adminq.MetadataGet{Hdr: partsObject(id), Type: typ}.Encode()
	return d.vfCmd(uint16(spec.OpDevPartsMetadataGet), vf, data, resultCap)
}

// PartsSize returns METADATA_GET(SIZE): the most bytes the parts can take.
func (d *Driver) PartsSize(vf int, id uint32) (uint32, error) {
	r, err := d.PartsMetadata(vf, id, spec.MetadataSize, 8)
	if err != nil {
		return 0, err
	}
	return devctx.DecodeMetadataSize(r).Size, nil
}

// PartsGetAll sends DEV_PARTS_GET(ALL) with room for size bytes as Linux's
// vfio-virtio gives it (drivers/vfio/pci/virtio/migrate.c,
// virtiovf_read_device_context_chunk): whole pages covering size, one
// descriptor each, so the buffer is usually longer than size. It returns
// the result as Linux takes it: used length − 8 bytes.
func (d *Driver) PartsGetAll(vf int, id uint32, size int) ([]byte, error) {
	data := adminq.PartsGet{Hdr: partsObject(id), Type: spec.PartsGetAll}.Encode()
	return d.ExecPages(adminq.Command{Opcode: uint16(spec.OpDevPartsGet), Group: spec.GroupSRIOV, Member: uint64(vf), Data: data}, size)
}

// PartsSet sends DEV_PARTS_SET with the parts as given.
func (d *Driver) PartsSet(vf int, id uint32, parts []byte) error {
	_, err := d.vfCmd(uint16(spec.OpDevPartsSet), vf, adminq.PartsSet{Hdr: partsObject(id), Parts: parts}.Encode(), 0)
	return err
}

// Draft-2023 commands.

// DraftSetMode sends draft DEV_MODE_SET {u8 mode; u8 reserved[7]}.
func (d *Driver) DraftSetMode(vf int, m spec.Mode) error {
	_, err := d.vfCmd(uint16(spec.DraftOpDevModeSet), vf, adminq.DraftMode{Mode: m}.Encode(), 0)
	return err
}

// DraftModeGet sends DEV_MODE_GET.
func (d *Driver) DraftModeGet(vf int) (spec.Mode, error) {
	r, err := d.vfCmd(uint16(spec.DraftOpDevModeGet), vf, nil, 8)
	if err != nil {
		return 0, err
	}
	return adminq.DecodeDraftMode(r).Mode, nil
}

// SizeGet sends DEV_CTX_SIZE_GET; freeze asks for the bound of a read in
// Freeze.
func (d *Driver) SizeGet(vf int, freeze bool) (uint64, error) {
	var data adminq.CtxSizeGet
	if freeze {
		data.FreezeMode = 1
	}
	r, err := d.vfCmd(uint16(spec.DraftOpDevCtxSizeGet), vf, data.Encode(), 8)
	if err != nil {
		return 0, err
	}
	return devctx.DecodeCtxSizeResult(r).Size, nil
}

// maxCtxReads bounds ReadContext's loop over the cursor.
const maxCtxReads = 1 << 16

// ReadContext sends DEV_CTX_READ with chunk bytes of room for the context,
// again while remaining_ctx_size is non-zero (the cursor), and returns one
// context {le32 field_count; le32 reserved; fields} holding the fields of
// every read in order (each read is a context of its own), with the number
// of reads. A read whose chunk is not a whole context is an error.
func (d *Driver) ReadContext(vf int, chunk int) ([]byte, int, error) {
	var all devctx.DraftContext
	for n := 1; n <= maxCtxReads; n++ {
		b, err := d.vfCmd(uint16(spec.DraftOpDevCtxRead), vf, nil, 8+chunk)
		if err != nil {
			return devctx.EncodeDraftContext(all), n - 1, err
		}
		r, err := devctx.DecodeCtxReadResult(b)
		if err != nil {
			return devctx.EncodeDraftContext(all), n, fmt.Errorf("owner: DEV_CTX_READ of VF %d: %w", vf, err)
		}
		var c devctx.DraftContext
		if len(r.Ctx) > 0 {
			if c, err = devctx.DecodeDraftContext(r.Ctx); err != nil {
				return devctx.EncodeDraftContext(all), n, fmt.Errorf("owner: DEV_CTX_READ of VF %d, read %d: %w", vf, n, err)
			}
		}
		if len(all.Fields) == 0 {
			all.Fields = c.Fields // the first read's fields, not copied
		} else {
			all.Fields = append(all.Fields, c.Fields...)
		}
		if r.Remaining == 0 {
			return devctx.EncodeDraftContext(all), n, nil
		}
		if len(c.Fields) == 0 {
			return devctx.EncodeDraftContext(all), n, fmt.Errorf("owner: DEV_CTX_READ of VF %d: %d bytes remain but a %d-byte buffer holds none", vf, r.Remaining, chunk)
		}
	}
	return devctx.EncodeDraftContext(all), maxCtxReads, fmt.Errorf("owner: DEV_CTX_READ of VF %d: still data after %d reads", vf, maxCtxReads)
}

// WriteContext sends DEV_CTX_WRITE with ctx.
func (d *Driver) WriteContext(vf int, ctx []byte) error {
	_, err := d.vfCmd(uint16(spec.DraftOpDevCtxWrite), vf, ctx, 0)
	return err
}

// Discard sends DEV_CTX_DISCARD.
func (d *Driver) Discard(vf int) error {
	_, err := d.vfCmd(uint16(spec.DraftOpDevCtxDiscard), vf, nil, 0)
	return err
}

// FieldsQuery sends DEV_CTX_FIELDS_QUERY with resultCap bytes of room and
// returns the decoded result.
func (d *Driver) FieldsQuery(vf int, resultCap int) (devctx.FieldsQuery, error) {
	r, err := d.vfCmd(uint16(spec.DraftOpDevCtxFieldsQuery), vf, nil, resultCap)
	if err != nil {
		return devctx.FieldsQuery{}, err
	}
	q, err := devctx.DecodeFieldsQuery(r)
	if err != nil {
		return devctx.FieldsQuery{}, fmt.Errorf("owner: DEV_CTX_FIELDS_QUERY of VF %d: %w", vf, err)
	}
	return q, nil
}
