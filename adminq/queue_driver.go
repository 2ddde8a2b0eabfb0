package adminq

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Completion is one command the driver harvested from the used ring.
type Completion struct {
	// Token is what Submit returned for the command.
	Token uint64
	// Command is the command as submitted.
	Command Command
	// Result is the status and the command-specific result; Result.Data
	// holds UsedLen−8 bytes, or none when UsedLen < 8 (as Linux computes it).
	Result Result
	// UsedLen is the used length: the bytes the device wrote.
	UsedLen uint32
}

type submitted struct {
	head      uint16 // the chain's head descriptor
	token     uint64
	cmd       Command
	slot      uint16
	status    uint64 // address of the 8-byte status
	resultCap int
}

// DriverQueue is the driver side of an admin virtqueue, as Linux's
// virtio_pci admin code builds it: each command is a chain of a 24-byte
// header and the data (readable, the data descriptor left out when empty),
// then an 8-byte status and the result buffer (writable, the result
// descriptor left out when the result has no room). Buffers live in host
// memory, one slot of slotSize bytes per command in flight, slot i at
// bufBase + i·slotSize (the queue size bounds the slots).
// Several commands may be in flight; the caller kicks the device after
// Submit (the notify write is an MMIO access the queue does not own).
type DriverQueue struct {
	ring      *virtq.DriverRing
	mem       pcie.MemoryPort
	rid       pcie.RID
	bufBase   uint64
	slotSize  uint64
	nextToken uint64
	// inflight are the commands in flight, by value and in no order (a
	// driver has a few in flight, and submits millions in a search).
	inflight  []submitted
	freeSlots []uint16
	// buf is the scratch buffer of the header and status writes (host
	// memory keeps neither).
	buf [spec.AdminCmdHeaderSize]byte
}

// NewDriverQueue zeroes the queue's rings in mem and returns its driver,
// whose accesses carry requester rid.
func NewDriverQueue(mem pcie.MemoryPort, rid pcie.RID, l virtq.Layout, bufBase, slotSize uint64) (*DriverQueue, error) {
	if slotSize < 64 || slotSize%8 != 0 {
		return nil, fmt.Errorf("adminq: buffer slot of %d bytes: want a multiple of 8, at least 64", slotSize)
	}
	r, err := virtq.NewDriverRing(mem, rid, l)
	if err != nil {
		return nil, fmt.Errorf("adminq: %w", err)
	}
	d := &DriverQueue{ring: r, mem: mem, rid: rid, bufBase: bufBase, slotSize: slotSize,
		freeSlots: make([]uint16, l.Size)}
	for i := range d.freeSlots {
		d.freeSlots[i] = l.Size - 1 - uint16(i)
	}
	return d, nil
}

// Layout is the queue's layout in memory.
func (d *DriverQueue) Layout() virtq.Layout { return d.ring.Layout }

// Outstanding is the number of commands submitted and not yet harvested.
func (d *DriverQueue) Outstanding() int { return d.ring.Outstanding() }

func align8(v uint64) uint64 { return (v + 7) &^ 7 }

// Submit writes the command into a free slot, posts its chain and publishes
// the avail index. resultCap is the room given for command_specific_result,
// in one descriptor. It returns a token that Harvest reports with the
// completion.
func (d *DriverQueue) Submit(c Command, resultCap int) (uint64, error) {
	if resultCap < 0 {
		return 0, fmt.Errorf("adminq: submit opcode %#x: negative result capacity %d", c.Opcode, resultCap)
	}
	var segs []int
	if resultCap > 0 {
		segs = []int{resultCap}
	}
	return d.SubmitSG(c, segs)
}

// SubmitPages is Submit with the result room given as whole pages, one
// descriptor each, covering at least resultCap bytes: the scatter-gather
// list Linux's vfio-virtio builds for DEV_PARTS_GET (drivers/vfio/pci/virtio/
// migrate.c, virtiovf_read_device_context_chunk: DIV_ROUND_UP(size,
// PAGE_SIZE) pages, the list ended at the entry that covers size).
func (d *DriverQueue) SubmitPages(c Command, resultCap, page int) (uint64, error) {
	if resultCap < 0 || page <= 0 {
		return 0, fmt.Errorf("adminq: submit opcode %#x: result capacity %d in pages of %d", c.Opcode, resultCap, page)
	}
	var segs []int
	for n := 0; n < resultCap; n += page {
		segs = append(segs, page)
	}
	return d.SubmitSG(c, segs)
}

// SubmitSG is Submit with the result room split into descriptors of the
// given lengths (each > 0), in order.
func (d *DriverQueue) SubmitSG(c Command, result []int) (uint64, error) {
	resultCap := 0
	for _, n := range result {
		if n <= 0 {
			return 0, fmt.Errorf("adminq: submit opcode %#x: result descriptor of %d bytes", c.Opcode, n)
		}
		resultCap += n
	}
	bufs := 2 + len(result)
	if len(c.Data) > 0 {
		bufs++
	}
	if d.ring.NumFree() < bufs {
		return 0, fmt.Errorf("adminq: submit opcode %#x: %d descriptors free, need %d", c.Opcode, d.ring.NumFree(), bufs)
	}
	dataOff := uint64(32)
	statusOff := align8(dataOff + uint64(len(c.Data)))
	resultOff := statusOff + spec.AdminResultHeaderSize
	if need := resultOff + uint64(resultCap); need > d.slotSize {
		return 0, fmt.Errorf("adminq: submit opcode %#x: %d data and %d result bytes need %d, slot holds %d",
			c.Opcode, len(c.Data), resultCap, need, d.slotSize)
	}
	if len(d.freeSlots) == 0 {
		return 0, fmt.Errorf("adminq: submit opcode %#x: every buffer slot is in use", c.Opcode)
	}
	slotIdx := d.freeSlots[len(d.freeSlots)-1]
	slot := d.bufBase + uint64(slotIdx)*d.slotSize
	hdr := c.appendHeader(d.buf[:0])
	if err := d.mem.WriteMem(d.rid, slot, hdr); err != nil {
		return 0, fmt.Errorf("adminq: write command header: %w", err)
	}
	var chainBuf [8]virtq.Buffer
	chain := append(chainBuf[:0], virtq.Buffer{Addr: slot, Len: spec.AdminCmdHeaderSize})
	if len(c.Data) > 0 {
		if err := d.mem.WriteMem(d.rid, slot+dataOff, c.Data); err != nil {
			return 0, fmt.Errorf("adminq: write command data: %w", err)
		}
		chain = append(chain, virtq.Buffer{Addr: slot + dataOff, Len: uint32(len(c.Data))})
	}
	// The status is cleared so a device that writes nothing reads as zero
	// (AVQ-DRV-02); the result is read only up to the used length.
	status := d.buf[:spec.AdminResultHeaderSize]
	clear(status)
	if err := d.mem.WriteMem(d.rid, slot+statusOff, status); err != nil {
		return 0, fmt.Errorf("adminq: clear status: %w", err)
	}
	chain = append(chain, virtq.Buffer{Addr: slot + statusOff, Len: spec.AdminResultHeaderSize, Writable: true})
	for off := uint64(0); len(result) > 0; result = result[1:] {
		chain = append(chain, virtq.Buffer{Addr: slot + resultOff + off, Len: uint32(result[0]), Writable: true})
		off += uint64(result[0])
	}
	head, err := d.ring.Add(chain)
	if err != nil {
		return 0, fmt.Errorf("adminq: %w", err)
	}
	d.freeSlots = d.freeSlots[:len(d.freeSlots)-1]
	if err := d.ring.Publish(); err != nil {
		return 0, fmt.Errorf("adminq: %w", err)
	}
	c.Data = append([]byte(nil), c.Data...)
	tok := d.nextToken
	d.nextToken++
	d.inflight = append(d.inflight, submitted{head: head, token: tok, cmd: c, slot: slotIdx, status: slot + statusOff, resultCap: resultCap})
	return tok, nil
}

// Harvest returns every command the device published since the last call,
// in used-ring order.
func (d *DriverQueue) Harvest() ([]Completion, error) { return d.AppendHarvest(nil) }

// AppendHarvest is Harvest appending the completions to out.
func (d *DriverQueue) AppendHarvest(out []Completion) ([]Completion, error) {
	used, err := d.ring.Harvest()
	for _, u := range used {
		i := slices.IndexFunc(d.inflight, func(s submitted) bool { return uint32(s.head) == u.ID })
		if i < 0 {
			return out, fmt.Errorf("adminq: used id %d: no command submitted there", u.ID)
		}
		s := d.inflight[i]
		last := len(d.inflight) - 1
		d.inflight[i] = d.inflight[last]
		d.inflight[last] = submitted{} // drops the command's data
		d.inflight = d.inflight[:last]
		d.freeSlots = append(d.freeSlots, s.slot)
		n := uint64(u.Len)
		if lim := uint64(spec.AdminResultHeaderSize + s.resultCap); n > lim {
			n = lim
		}
		buf := make([]byte, n)
		if err := d.mem.ReadMem(d.rid, s.status, buf); err != nil {
			return out, fmt.Errorf("adminq: read result of command %d: %w", s.token, err)
		}
		out = append(out, Completion{Token: s.token, Command: s.cmd, Result: DecodeResult(buf), UsedLen: u.Len})
	}
	if err != nil {
		return out, fmt.Errorf("adminq: %w", err)
	}
	return out, nil
}
