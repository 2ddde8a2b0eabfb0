package adminq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// This file holds the virtio-1.4 resource-object and device-parts command
// structures (virtio spec, Administration Virtqueues: "Resource objects"
// and Device parts: "Device parts commands"). Device parts stay raw bytes
// here, and the results of DEV_PARTS_METADATA_GET and DEV_PARTS_GET are
// parts results: package devctx decodes them.

// ObjHeader is struct virtio_admin_cmd_resource_obj_cmd_hdr:
// {le16 type; u8 reserved[2]; le32 id}. It is also the whole data of
// RESOURCE_OBJ_QUERY and RESOURCE_OBJ_DESTROY.
type ObjHeader struct {
	Type     uint16
	Reserved [2]byte
	ID       uint32
}

func decodeObjHeader(b []byte) ObjHeader {
	h := ObjHeader{Type: u16At(b, 0), ID: u32At(b, 4)}
	copy(h.Reserved[:], at(b, 2, 2))
	return h
}

func decodeObjHeaderPayload(b []byte) Payload { return decodeObjHeader(b) }

// Encode returns the 8 bytes.
func (h ObjHeader) Encode() []byte {
	b := binary.LittleEndian.AppendUint16(nil, h.Type)
	b = append(b, h.Reserved[:]...)
	return binary.LittleEndian.AppendUint32(b, h.ID)
}

// Fields lists the object type (named), reserved bytes if non-zero and id.
func (h ObjHeader) Fields() []Field {
	f := []Field{{"object.type", objTypeName(h.Type)}}
	f = reservedField(f, "object.reserved", h.Reserved[:])
	return append(f, Field{"object.id", dec(uint64(h.ID))})
}

func objTypeName(t uint16) string {
	if t == spec.ResourceObjDevParts {
		return "DEV_PARTS (0)"
	}
	return fmt.Sprintf("OBJ_TYPE_%#04x", t)
}

// DevPartsObj is struct virtio_resource_obj_dev_parts, the object-specific
// data of a DEV_PARTS object: {u8 type (0 GET, 1 SET); u8 reserved[7]}.
type DevPartsObj struct {
	Type     uint8
	Reserved [7]byte
}

func decodeDevPartsObj(b []byte) DevPartsObj {
	p := DevPartsObj{Type: u8At(b, 0)}
	copy(p.Reserved[:], at(b, 1, 7))
	return p
}

// Encode returns the 8 bytes.
func (p DevPartsObj) Encode() []byte { return append([]byte{p.Type}, p.Reserved[:]...) }

// devPartsObjNames names the types of a DEV_PARTS object.
var devPartsObjNames = map[uint8]string{spec.DevPartsObjTypeGet: "GET", spec.DevPartsObjTypeSet: "SET"}

// Fields lists the object type (GET or SET) and reserved bytes if non-zero.
func (p DevPartsObj) Fields() []Field {
	v := fmt.Sprintf("TYPE_%d", p.Type)
	if n, ok := devPartsObjNames[p.Type]; ok {
		v = fmt.Sprintf("%s (%d)", n, p.Type)
	}
	return reservedField([]Field{{"parts_type", v}}, "parts_reserved", p.Reserved[:])
}

// objSpecific decodes object-specific data: DevPartsObj for a DEV_PARTS
// object, Raw otherwise.
func objSpecific(objType uint16, b []byte) Payload {
	if objType == spec.ResourceObjDevParts {
		return decodeDevPartsObj(b)
	}
	return Raw{Name: "resource_obj_specific_data", Bytes: append([]byte(nil), b...)}
}

// ObjCreate is the data of RESOURCE_OBJ_CREATE and RESOURCE_OBJ_MODIFY:
// {hdr; le64 flags; u8 resource_obj_specific_data[]}. Specific is a
// DevPartsObj for a DEV_PARTS object, Raw otherwise.
type ObjCreate struct {
	Hdr      ObjHeader
	Flags    uint64
	Specific Payload
}

func decodeObjCreate(b []byte) Payload {
	p := ObjCreate{Hdr: decodeObjHeader(b), Flags: u64At(b, 8)}
	var tail []byte
	if len(b) > 16 {
		tail = b[16:]
	}
	p.Specific = objSpecific(p.Hdr.Type, tail)
	return p
}

// Encode returns header, flags and the object-specific data.
func (p ObjCreate) Encode() []byte {
	b := binary.LittleEndian.AppendUint64(p.Hdr.Encode(), p.Flags)
	if p.Specific != nil {
		b = append(b, p.Specific.Encode()...)
	}
	return b
}

// Fields lists the header, flags and object-specific fields.
func (p ObjCreate) Fields() []Field {
	f := append(p.Hdr.Fields(), Field{"flags", fmt.Sprintf("%#x", p.Flags)})
	if p.Specific != nil {
		f = append(f, p.Specific.Fields()...)
	}
	return f
}

// decodeObjQueryResult decodes RESOURCE_OBJ_QUERY's result, the object's
// specific data, for the object type of the request; without the request
// it assumes a DEV_PARTS object, the only type the spec defines.
func decodeObjQueryResult(b []byte, req Payload) Payload {
	t := spec.ResourceObjDevParts
	if r, ok := req.(ObjHeader); ok {
		t = r.Type
	}
	return objSpecific(t, b)
}

// MetadataGet is the data of DEV_PARTS_METADATA_GET:
// {hdr; u8 type; u8 reserved[7]}.
type MetadataGet struct {
	Hdr      ObjHeader
	Type     spec.MetadataType
	Reserved [7]byte
}

func decodeMetadataGet(b []byte) Payload {
	p := MetadataGet{Hdr: decodeObjHeader(b), Type: spec.MetadataType(u8At(b, 8))}
	copy(p.Reserved[:], at(b, 9, 7))
	return p
}

// Encode returns the 16 bytes.
func (p MetadataGet) Encode() []byte {
	return append(append(p.Hdr.Encode(), uint8(p.Type)), p.Reserved[:]...)
}

// Fields lists the header, the type (SIZE, COUNT, LIST) and reserved bytes.
func (p MetadataGet) Fields() []Field {
	f := append(p.Hdr.Fields(), Field{"type", fmt.Sprintf("%s (%d)", p.Type, uint8(p.Type))})
	return reservedField(f, "reserved", p.Reserved[:])
}

// PartsGet is the data of DEV_PARTS_GET: {hdr; u8 type; u8 reserved[7];
// virtio_dev_part_hdr hdr_list[]}. HdrList holds the raw 16-byte headers;
// a partial last header reads as zero-extended.
type PartsGet struct {
	Hdr      ObjHeader
	Type     spec.PartsGetType
	Reserved [7]byte
	HdrList  [][16]byte
}

func decodePartsGet(b []byte) Payload {
	p := PartsGet{Hdr: decodeObjHeader(b), Type: spec.PartsGetType(u8At(b, 8))}
	copy(p.Reserved[:], at(b, 9, 7))
	if len(b) > 16 {
		p.HdrList = headers(b[16:])
	}
	return p
}

// Encode returns the 16-byte head and the header list.
func (p PartsGet) Encode() []byte {
	b := append(append(p.Hdr.Encode(), uint8(p.Type)), p.Reserved[:]...)
	return appendHeaders(b, p.HdrList)
}

// Fields lists the header, the type (SELECTED, ALL), reserved bytes if
// non-zero and the raw part headers.
func (p PartsGet) Fields() []Field {
	f := append(p.Hdr.Fields(), Field{"type", fmt.Sprintf("%s (%d)", p.Type, uint8(p.Type))})
	f = reservedField(f, "reserved", p.Reserved[:])
	return headerFields(f, "hdr_list", p.HdrList)
}

// HdrListBytes returns the header list as one byte run.
func (p PartsGet) HdrListBytes() []byte { return appendHeaders(nil, p.HdrList) }

// PartsSet is the data of DEV_PARTS_SET: {hdr; virtio_dev_part parts[]},
// the parts kept raw.
type PartsSet struct {
	Hdr   ObjHeader
	Parts []byte
}

func decodePartsSet(b []byte) Payload {
	return PartsSet{Hdr: decodeObjHeader(b), Parts: rest(b, spec.ResourceObjCmdHeaderSize)}
}

// Encode returns the header and the parts.
func (p PartsSet) Encode() []byte { return append(p.Hdr.Encode(), p.Parts...) }

// Fields lists the header and the raw parts.
func (p PartsSet) Fields() []Field {
	return append(p.Hdr.Fields(), Field{"parts", hex.EncodeToString(p.Parts)})
}
