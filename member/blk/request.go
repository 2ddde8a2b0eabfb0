package blk

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/virtq"
)

// virtio-blk request types and status values (virtio spec, "Device
// Operation" of the block device).
const (
	TypeIn    = 0
	TypeOut   = 1
	TypeFlush = 4
	TypeGetID = 8

	StatusOK     = 0
	StatusIOErr  = 1
	StatusUnsupp = 2

	// HeaderSize is sizeof(struct virtio_blk_outhdr).
	HeaderSize = 16
	// IDBytes is the length of the GET_ID serial (VIRTIO_BLK_ID_BYTES).
	IDBytes = 20
)

// Errors a request returns reach the member's trace notes ("q0: … :
// DEVICE_NEEDS_RESET"), where the device speaks as the member: they keep the
// member prefix.

// header is struct virtio_blk_outhdr.
type header struct {
	typ    uint32
	sector uint64
}

// op is a request's Op: its header, read at fetch, and the status byte
// Execute leaves for Complete.
type op struct {
	hdr    header
	status uint8
}

// Fetch reads the out header from the chain's readable segments.
func (d *device) Fetch(r *member.Request) error {
	h, err := virtq.Gather(d.mem, d.rid, r.Chain, HeaderSize)
	if err != nil {
		return err
	}
	if len(h) < HeaderSize {
		return fmt.Errorf("member: request header: %d readable bytes, want %d", len(h), HeaderSize)
	}
	r.Op = op{hdr: header{typ: binary.LittleEndian.Uint32(h[0:]), sector: binary.LittleEndian.Uint64(h[8:])}}
	return nil
}

// Execute performs the request against the disk: OUT DMA-reads its data
// and writes the disk; IN reads the disk and DMA-writes the data; GET_ID
// writes the serial; FLUSH flushes. A disk error is the IOERR status; a
// DMA error is returned.
func (d *device) Execute(r *member.Request) error {
	data, _, ok := splitWritable(r.Chain)
	if !ok {
		return fmt.Errorf("member: request at head %d: no writable status byte", r.Head)
	}
	o, _ := r.Op.(op)
	o.status, r.Written = StatusOK, 1
	defer func() { r.Op = o }()
	switch o.hdr.typ {
	case TypeIn:
		n := segLen(data, true)
		buf, err := d.disk.Read(o.hdr.sector, int(n))
		if err != nil {
			o.status = StatusIOErr
			return nil
		}
		w, err := virtq.Scatter(d.mem, d.rid, data, buf)
		if err != nil {
			return err
		}
		r.Written += w
	case TypeOut:
		n := segLen(r.Chain, false) - HeaderSize
		all, err := virtq.Gather(d.mem, d.rid, r.Chain, int(n)+HeaderSize)
		if err != nil {
			return err
		}
		if err := d.disk.Write(o.hdr.sector, all[HeaderSize:]); err != nil {
			o.status = StatusIOErr
		}
	case TypeFlush:
		d.disk.Flush()
	case TypeGetID:
		id := make([]byte, IDBytes)
		copy(id, d.disk.Serial())
		w, err := virtq.Scatter(d.mem, d.rid, data, id)
		if err != nil {
			return err
		}
		r.Written += w
	default:
		o.status = StatusUnsupp
	}
	return nil
}

// Complete writes the status byte, the last device-writable byte of the
// chain.
func (d *device) Complete(r *member.Request) error {
	_, addr, ok := splitWritable(r.Chain)
	if !ok {
		return fmt.Errorf("member: request at head %d: no writable status byte", r.Head)
	}
	o, _ := r.Op.(op)
	if err := d.mem.WriteMem(d.rid, addr, []byte{o.status}); err != nil {
		return fmt.Errorf("member: status byte of head %d at %#x: %w", r.Head, addr, err)
	}
	return nil
}

// splitWritable returns the writable data segments (without the status
// byte) and the address of the status byte (the last writable byte).
func splitWritable(segs []virtq.Segment) (data []virtq.Segment, status uint64, ok bool) {
	last := -1
	for i, s := range segs {
		if s.Writable && s.Len > 0 {
			last = i
		}
	}
	if last < 0 {
		return nil, 0, false
	}
	for i, s := range segs {
		if !s.Writable {
			continue
		}
		if i == last {
			if s.Len > 1 {
				data = append(data, virtq.Segment{Addr: s.Addr, Len: s.Len - 1, Writable: true})
			}
			break
		}
		data = append(data, s)
	}
	return data, segs[last].Addr + uint64(segs[last].Len) - 1, true
}

// segLen sums the lengths of the readable or the writable segments.
func segLen(segs []virtq.Segment, writable bool) uint64 {
	var n uint64
	for _, s := range segs {
		if s.Writable == writable {
			n += uint64(s.Len)
		}
	}
	return n
}
