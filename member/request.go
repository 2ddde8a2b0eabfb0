package member

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/virtq"
)

// virtio-blk request types and status values.
const (
	blkTIn    = 0
	blkTOut   = 1
	blkTFlush = 4
	blkTGetID = 8

	blkSOK     = 0
	blkSIOErr  = 1
	blkSUnsupp = 2

	blkHeaderSize = 16
	blkIDBytes    = 20
)

// blkHeader is struct virtio_blk_outhdr.
type blkHeader struct {
	typ    uint32
	sector uint64
}

// readHeader reads the out header from the chain's readable segments.
func (b *Blk) readHeader(segs []virtq.Segment) (blkHeader, error) {
	h, err := virtq.Gather(b.cfg.Mem, b.cfg.RID, segs, blkHeaderSize)
	if err != nil {
		return blkHeader{}, err
	}
	if len(h) < blkHeaderSize {
		return blkHeader{}, fmt.Errorf("member: request header: %d readable bytes, want %d", len(h), blkHeaderSize)
	}
	return blkHeader{typ: binary.LittleEndian.Uint32(h[0:]), sector: binary.LittleEndian.Uint64(h[8:])}, nil
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

func segLen(segs []virtq.Segment, writable bool) uint64 {
	var n uint64
	for _, s := range segs {
		if s.Writable == writable {
			n += uint64(s.Len)
		}
	}
	return n
}

// execute performs request r against the disk: OUT DMA-reads its data and
// writes the disk; IN reads the disk and DMA-writes the data; GET_ID writes
// the serial. It sets r.status and r.written. A DMA error is returned.
func (b *Blk) execute(r *request) error {
	data, _, ok := splitWritable(r.segs)
	if !ok {
		return fmt.Errorf("member: request at head %d: no writable status byte", r.head)
	}
	mem, rid := b.cfg.Mem, b.cfg.RID
	r.status, r.written = blkSOK, 1
	switch r.hdr.typ {
	case blkTIn:
		n := segLen(data, true)
		buf, err := b.cfg.Disk.Read(r.hdr.sector, int(n))
		if err != nil {
			r.status = blkSIOErr
			return nil
		}
		w, err := virtq.Scatter(mem, rid, data, buf)
		if err != nil {
			return err
		}
		r.written += w
	case blkTOut:
		n := segLen(r.segs, false) - blkHeaderSize
		all, err := virtq.Gather(mem, rid, r.segs, int(n)+blkHeaderSize)
		if err != nil {
			return err
		}
		if err := b.cfg.Disk.Write(r.hdr.sector, all[blkHeaderSize:]); err != nil {
			r.status = blkSIOErr
		}
	case blkTFlush:
		b.cfg.Disk.Flush()
	case blkTGetID:
		id := make([]byte, blkIDBytes)
		copy(id, b.cfg.Disk.Serial())
		w, err := virtq.Scatter(mem, rid, data, id)
		if err != nil {
			return err
		}
		r.written += w
	default:
		r.status = blkSUnsupp
	}
	return nil
}

// writeStatus writes r's status byte.
func (b *Blk) writeStatus(r *request) error {
	_, addr, ok := splitWritable(r.segs)
	if !ok {
		return fmt.Errorf("member: request at head %d: no writable status byte", r.head)
	}
	if err := b.cfg.Mem.WriteMem(b.cfg.RID, addr, []byte{r.status}); err != nil {
		return fmt.Errorf("member: status byte of head %d at %#x: %w", r.head, addr, err)
	}
	return nil
}
