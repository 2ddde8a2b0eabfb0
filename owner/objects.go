package owner

import (
	"encoding/binary"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// object is a VIRTIO_RESOURCE_OBJ_DEV_PARTS object. Ids are unique per
// owner, across GET and SET objects and every VF.
type object struct {
	vf    uint16
	ptype uint8 // DevPartsObjTypeGet or DevPartsObjTypeSet
	flags uint64
	// busy counts forwarded commands using the object not yet completed.
	busy int
}

// Qualifiers the owner gives with its non-EINVAL errors (the spec names
// none): the data names something missing or present (ENXIO, EEXIST):
// INVALID_FIELD; out of room (ENOSPC): NORESOURCE; busy (EBUSY): TRYAGAIN
// when retrying later can succeed, INVALID_FIELD when it cannot.

// deviceCapGet answers DEVICE_CAP_GET {le16 id; u8 reserved[6]}.
func (p *PF) deviceCapGet(data []byte) outcome {
	id := binary.LittleEndian.Uint16(field(data, 2))
	if id != spec.CapDevParts {
		return fail(spec.StatusENXIO, spec.QInvalidField)
	}
	return ok([]byte{p.cfg.GetLimit, p.cfg.SetLimit})
}

// driverCapSet handles DRIVER_CAP_SET {le16 id; u8 reserved[6]; u8
// get_limit; u8 set_limit}: limits above the device's are EINVAL (CAP-DEV-01),
// an unknown id ENXIO, a limit that would strand a live object EBUSY
// (CAP-DEV-03).
func (p *PF) driverCapSet(data []byte) outcome {
	d := field(data, 10)
	if id := binary.LittleEndian.Uint16(d); id != spec.CapDevParts {
		return fail(spec.StatusENXIO, spec.QInvalidField)
	}
	get, set := d[8], d[9]
	if get > p.cfg.GetLimit || set > p.cfg.SetLimit {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	for id, o := range p.admin.objects {
		if id >= uint32(limitFor(o.ptype, get, set)) {
			return fail(spec.StatusEBUSY, spec.QInvalidField)
		}
	}
	p.admin.drvGet, p.admin.drvSet = get, set
	return ok(nil)
}

func limitFor(ptype, get, set uint8) uint8 {
	if ptype == spec.DevPartsObjTypeGet {
		return get
	}
	return set
}

// objHeader reads struct virtio_admin_cmd_resource_obj_cmd_hdr {le16 type;
// u8 reserved[2]; le32 id}.
func objHeader(data []byte) (typ uint16, id uint32) {
	h := field(data, spec.ResourceObjCmdHeaderSize)
	return binary.LittleEndian.Uint16(h[0:]), binary.LittleEndian.Uint32(h[4:])
}

// objSpec reads the CREATE/MODIFY body after the header: le64 flags and
// struct virtio_resource_obj_dev_parts {u8 type; u8 reserved[7]}.
func objSpec(data []byte) (flags uint64, ptype uint8) {
	b := field(tail(data, spec.ResourceObjCmdHeaderSize), 16)
	return binary.LittleEndian.Uint64(b), b[8]
}

// findObject returns VF vf's object named by the header: a missing object,
// or one of another VF, is ENXIO (RES-DEV-01); a type other than DEV_PARTS is
// EINVAL/INVALID_FIELD.
func (p *PF) findObject(vf uint16, data []byte) (uint32, *object, *outcome) {
	typ, id := objHeader(data)
	if typ != spec.ResourceObjDevParts {
		f := fail(spec.StatusEINVAL, spec.QInvalidField)
		return 0, nil, &f
	}
	o, ok := p.admin.objects[id]
	if !ok || o.vf != vf {
		f := fail(spec.StatusENXIO, spec.QInvalidField)
		return 0, nil, &f
	}
	return id, o, nil
}

func (p *PF) objCreate(vf uint16, data []byte) outcome {
	typ, id := objHeader(data)
	flags, ptype := objSpec(data)
	if typ != spec.ResourceObjDevParts || flags != 0 || (ptype != spec.DevPartsObjTypeGet && ptype != spec.DevPartsObjTypeSet) {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	if _, exists := p.admin.objects[id]; exists {
		return fail(spec.StatusEEXIST, spec.QInvalidField)
	}
	if id >= uint32(limitFor(ptype, p.admin.drvGet, p.admin.drvSet)) {
		return fail(spec.StatusENOSPC, spec.QNoResource)
	}
	p.admin.objects[id] = &object{vf: vf, ptype: ptype, flags: flags}
	return ok(nil)
}

// objQuery returns the data of the last CREATE or MODIFY: le64 flags and
// the DEV_PARTS specific data (RES-DEV-02).
func (p *PF) objQuery(vf uint16, data []byte) outcome {
	_, o, f := p.findObject(vf, data)
	if f != nil {
		return *f
	}
	out := make([]byte, 16)
	binary.LittleEndian.PutUint64(out, o.flags)
	out[8] = o.ptype
	return ok(out)
}

// objModify re-validates the specific data; a DEV_PARTS object cannot change
// between GET and SET (one object serves one of them), so the only accepted
// modification rewrites the same values. A failed MODIFY changes nothing.
func (p *PF) objModify(vf uint16, data []byte) outcome {
	_, o, f := p.findObject(vf, data)
	if f != nil {
		return *f
	}
	flags, ptype := objSpec(data)
	if flags != 0 || ptype != o.ptype {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	if o.busy > 0 {
		return fail(spec.StatusEBUSY, spec.QTryAgain)
	}
	o.flags = flags
	return ok(nil)
}

func (p *PF) objDestroy(vf uint16, data []byte) outcome {
	id, o, f := p.findObject(vf, data)
	if f != nil {
		return *f
	}
	if o.busy > 0 {
		return fail(spec.StatusEBUSY, spec.QTryAgain)
	}
	delete(p.admin.objects, id)
	return ok(nil)
}

// partsCommand checks the object of METADATA_GET, PARTS_GET (a GET object)
// or PARTS_SET (a SET object) and forwards the command to the member.
func (p *PF) partsCommand(vf uint16, c adminq.Command, resultCap int, want uint8) outcome {
	id, o, f := p.findObject(vf, c.Data)
	if f != nil {
		return *f
	}
	if o.ptype != want {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	return outcome{fwd: true, vf: vf, obj: id, withObj: true,
		req: member.AdminRequest{Opcode: c.Opcode, Data: c.Data, ResultCap: resultCap, ObjectID: id}}
}
