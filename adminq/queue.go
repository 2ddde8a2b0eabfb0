package adminq

import (
	"fmt"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Limits of the device side of the admin queue. A command whose readable
// part is longer than MaxCommandBytes is read only up to that length (extra
// input is ignored, AVQ-DEV-01); a result longer than the writable part is
// clipped to it.
const (
	MaxCommandBytes = 16 << 20
)

// Entry is one admin command the device side popped from the queue: its
// position in queue order, the head of its chain, the readable bytes (header
// and data) and the writable segments (status and result).
type Entry struct {
	// Seq is the command's position in queue order since the queue was
	// created (0, 1, 2, …); it never repeats.
	Seq uint64
	// Head is the descriptor chain's head index (the used-ring id).
	Head uint16
	// In is the device-readable part: the 24-byte header and the data, as
	// gathered from the chain (at most MaxCommandBytes).
	In []byte
	// WriteCap is the total length of the device-writable part.
	WriteCap uint64

	writable []virtq.Segment
	done     bool
	used     uint32
}

// Command decodes the entry's readable part (never fails, AVQ-DEV-01).
func (e *Entry) Command() Command { return DecodeCommand(e.In) }

// ResultCap is the room the driver gave for command_specific_result: the
// writable length minus the 8-byte status, or 0.
func (e *Entry) ResultCap() int {
	if e.WriteCap <= spec.AdminResultHeaderSize {
		return 0
	}
	c := e.WriteCap - spec.AdminResultHeaderSize
	if c > MaxCommandBytes {
		c = MaxCommandBytes
	}
	return int(c)
}

// Done reports whether the entry has its result written.
func (e *Entry) Done() bool { return e.done }

// UsedLen is the used length the entry is (or will be) published with: the
// bytes the device wrote into the writable part.
func (e *Entry) UsedLen() uint32 { return e.used }

// DeviceQueue is the device side of one admin virtqueue (the owner's). It
// pops chains in avail-ring order, and publishes their used entries in the
// same order (AVQ-DEV-04): a command is executed when it is popped, but its
// used entry is published only once every command popped before it has been
// published too. A command whose reply is held (a member finishing an FLR
// holds DEV_MODE_SET) therefore delays the publication of every command
// behind it, even those that already completed; their results are already in
// memory, only the used index waits.
type DeviceQueue struct {
	Ring    virtq.DeviceRing
	nextSeq uint64
	// pending are the popped entries not yet published, in queue order.
	pending []*Entry
	// peek is PeekMember's scratch: a descriptor, then a command header;
	// zero between peeks.
	peek [max(virtq.DescSize, spec.AdminCmdHeaderSize)]byte
	// ringBuf is what the ring accesses go through (virtq.Scratch): zero
	// between them, so the hash sees nothing of it.
	ringBuf virtq.Scratch
}

// NewDeviceQueue returns the device side of a queue laid out as l.
func NewDeviceQueue(l virtq.Layout) *DeviceQueue {
	return &DeviceQueue{Ring: virtq.DeviceRing{Layout: l}}
}

// InFlight is the number of popped commands not yet published.
func (q *DeviceQueue) InFlight() int { return len(q.pending) }

// Pending returns the popped, unpublished entries in queue order.
func (q *DeviceQueue) Pending() []*Entry { return q.pending }

// Lookup returns the unpublished entry with sequence number seq.
func (q *DeviceQueue) Lookup(seq uint64) (*Entry, bool) {
	for _, e := range q.pending {
		if e.Seq == seq {
			return e, true
		}
	}
	return nil, false
}

// PeekMember returns the group member ID of the command Pop would take
// next, without taking it: it reads the ring and the command's header
// through a copy of the ring's state, so the queue is as before. ok is
// false when nothing is available or the chain cannot be read (Pop then
// reports why). mem should be a port that observes nothing: a peek is
// not a device access.
func (q *DeviceQueue) PeekMember(mem pcie.MemoryPort, rid pcie.RID) (member uint64, ok bool) {
	// The header is almost always the whole of the first descriptor: read
	// it there, into the queue's scratch, without allocating. The scratch
	// is zeroed after, so the queue's state (which the world hashes) does
	// not depend on peeks.
	defer clear(q.peek[:])
	if d, ok := q.Ring.PeekDesc(mem, rid, q.peek[:]); !ok {
		return 0, false
	} else if d.Flags&(virtq.DescFIndirect|virtq.DescFWrite) == 0 && d.Len >= spec.AdminCmdHeaderSize {
		if mem.ReadMem(rid, d.Addr, q.peek[:spec.AdminCmdHeaderSize]) != nil {
			return 0, false
		}
		return DecodeCommand(q.peek[:spec.AdminCmdHeaderSize]).Member, true
	}
	r := q.Ring // Pop advances LastAvail of this copy only
	head, got, err := r.PopVia(mem, rid, &q.ringBuf)
	if err != nil || !got {
		return 0, false
	}
	segs, err := r.ChainVia(mem, rid, head, &q.ringBuf)
	if err != nil {
		return 0, false
	}
	in, err := virtq.Gather(mem, rid, segs, spec.AdminCmdHeaderSize)
	if err != nil {
		return 0, false
	}
	return DecodeCommand(in).Member, true
}

// Available reports whether the driver has posted a chain the device has
// not popped yet.
func (q *DeviceQueue) Available(mem pcie.MemoryPort, rid pcie.RID) (bool, error) {
	idx, err := q.Ring.AvailIdxVia(mem, rid, &q.ringBuf)
	if err != nil {
		return false, fmt.Errorf("adminq: %w", err)
	}
	return idx != q.Ring.LastAvail, nil
}

// Pop takes the next chain, gathers its readable bytes and records its
// writable segments. ok is false when nothing is available. A malformed
// chain is an error; the queue is then unusable until it is reset.
func (q *DeviceQueue) Pop(mem pcie.MemoryPort, rid pcie.RID) (*Entry, bool, error) {
	head, ok, err := q.Ring.PopVia(mem, rid, &q.ringBuf)
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("adminq: pop: %w", err)
		}
		return nil, false, err
	}
	// The entry and its chain's segments in one allocation.
	a := new(struct {
		e    Entry
		segs [4]virtq.Segment
	})
	segs, err := q.Ring.ChainInto(mem, rid, head, &q.ringBuf, a.segs[:0])
	if err != nil {
		return nil, false, fmt.Errorf("adminq: command %d (head %d): %w", q.nextSeq, head, err)
	}
	in, err := virtq.Gather(mem, rid, segs, MaxCommandBytes)
	if err != nil {
		return nil, false, fmt.Errorf("adminq: command %d (head %d): %w", q.nextSeq, head, err)
	}
	e := &a.e
	*e = Entry{Seq: q.nextSeq, Head: head, In: in}
	// A chain's writable segments follow its readable ones (Chain checks
	// it), so they are the tail of segs.
	for i, s := range segs {
		if s.Writable {
			if e.writable == nil {
				e.writable = segs[i:]
			}
			e.WriteCap += uint64(s.Len)
		}
	}
	q.nextSeq++
	q.pending = append(q.pending, e)
	return e, true, nil
}

// Complete writes r into the entry's writable part and marks the entry
// done; the used entry is published by Publish. Completing an entry twice
// is an error. The result is clipped to the buffer; where the padding fits,
// the bytes up to the next multiple of 8 are initialised to zero
// (AVQ-DEV-03), but the used length counts only the defined structure — the
// status and the command's result — as "the actual length of data written"
// (AVQ-DEV-01). A driver that takes the result length as used length − 8,
// as Linux does (drivers/virtio/virtio_pci_modern.c, vp_modern_avq_done),
// must not get the padding as result data: a DEV_PARTS_GET record would
// then end in zero bytes no DEV_PARTS_SET accepts (docs/owner.md, "Result
// length").
func (q *DeviceQueue) Complete(mem pcie.MemoryPort, rid pcie.RID, e *Entry, r Result) error {
	_, err := q.CompleteWritten(mem, rid, e, r)
	return err
}

// CompleteWritten is Complete, and returns the result's bytes it wrote up
// to the used length (the padding left out), which the caller may keep:
// the owner reports them with the command's outcome without encoding the
// result again.
func (q *DeviceQueue) CompleteWritten(mem pcie.MemoryPort, rid pcie.RID, e *Entry, r Result) ([]byte, error) {
	if e.done {
		return nil, fmt.Errorf("adminq: command %d (head %d): completed twice", e.Seq, e.Head)
	}
	out, n := clipResult(r, e.WriteCap)
	if _, err := virtq.Scatter(mem, rid, e.writable, out); err != nil {
		return nil, fmt.Errorf("adminq: command %d (head %d): write result: %w", e.Seq, e.Head, err)
	}
	e.used = uint32(n)
	e.done = true
	return out[:n:n], nil
}

// clipResult encodes r, clips it to capacity and pads it with zeros to a
// multiple of 8 bytes if the padding fits (the status is always written when
// there is room for it). It returns the bytes to write and the used length:
// the encoded result's length, clipped, without the padding.
func clipResult(r Result, capacity uint64) ([]byte, int) {
	// Room for the padding, so that it is appended in place.
	enc := r.appendTo(make([]byte, 0, align8(spec.AdminResultHeaderSize+uint64(len(r.Data)))))
	n := uint64(len(enc))
	if n > capacity {
		n = capacity
	}
	used := int(n)
	if rem := n % 8; rem != 0 && n+8-rem <= capacity {
		pad := 8 - rem
		enc = append(enc, make([]byte, pad)...)
		n += pad
	}
	return enc[:n], used
}

// Publish writes the used entries of the completed commands at the front of
// queue order, stopping at the first one not completed, and returns how many
// it published.
// The PF asks after every event it handles, and most have nothing to
// publish: that case returns before anything else.
func (q *DeviceQueue) Publish(mem pcie.MemoryPort, rid pcie.RID) (int, error) {
	if len(q.pending) == 0 || !q.pending[0].done {
		return 0, nil
	}
	n := 0
	var err error
	for n < len(q.pending) && q.pending[n].done {
		e := q.pending[n]
		if err = q.Ring.PushUsedVia(mem, rid, e.Head, e.used, &q.ringBuf); err != nil {
			err = fmt.Errorf("adminq: command %d (head %d): publish: %w", e.Seq, e.Head, err)
			break
		}
		n++
	}
	q.dropFront(n)
	return n, err
}

// dropFront removes the first n pending entries, keeping the list at the
// start of its array so that later pops append in place.
func (q *DeviceQueue) dropFront(n int) {
	if n == 0 {
		return
	}
	rest := copy(q.pending, q.pending[n:])
	clear(q.pending[rest:])
	q.pending = q.pending[:rest]
}

// Reset forgets every popped command without publishing it (the queue is
// reset: the driver gets no used entry for them) and returns them in queue
// order.
func (q *DeviceQueue) Reset() []*Entry {
	dropped := q.pending
	q.pending = nil
	q.Ring.LastAvail = 0
	q.Ring.UsedIdx = 0
	return dropped
}
