package net

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Requests on the three kinds of queue. Errors keep the member prefix: they
// reach the member's trace notes ("q0: … : DEVICE_NEEDS_RESET").

// rxOp is a receive buffer: the room its writable segments give.
type rxOp struct{ room uint64 }

// txOp is a transmit chain: the gso_type of its virtio_net_hdr and its
// readable length.
type txOp struct {
	gsoType uint8
	length  uint64
}

// ctrlOp is a control command (struct virtio_net_ctrl): class, command and
// data read at fetch, where the ack byte goes, and the ack Execute chose.
type ctrlOp struct {
	cmd   spec.NetCVQCommand
	short bool
	data  []byte
	ackAt uint64
	ack   uint8
}

// maxCtrlData bounds the command-specific-data a control command may carry
// (a MAC table of about ten thousand addresses).
const maxCtrlData = 1 << 16

// Fetch decodes a chain by its queue's role for the negotiated features.
func (d *device) Fetch(r *member.Request) error {
	switch kind, _ := d.role(r.Queue, r.Features); kind {
	case kindRx:
		r.Op = rxOp{room: segLen(r.Chain, true)}
		return nil
	case kindTx:
		return d.fetchTx(r)
	case kindCtrl:
		return d.fetchCtrl(r)
	}
	return fmt.Errorf("member: q%d is no queue of a virtio-net device with max_virtqueue_pairs %d and features %s",
		r.Queue, d.maxPairs, spec.NetFeaturesString(r.Features))
}

// fetchTx reads the virtio_net_hdr of a transmit chain (virtio spec,
// "Packet Transmission").
func (d *device) fetchTx(r *member.Request) error {
	h, err := virtq.Gather(d.mem, d.rid, r.Chain, spec.NetHdrSize)
	if err != nil {
		return err
	}
	o := txOp{length: segLen(r.Chain, false)}
	if len(h) >= 2 {
		o.gsoType = h[1]
	}
	r.Op = o
	return nil
}

// fetchCtrl reads class, command and data of a control command and finds
// its ack byte, the first device-writable byte; a chain without one is
// malformed.
func (d *device) fetchCtrl(r *member.Request) error {
	o := ctrlOp{}
	found := false
	for _, s := range r.Chain {
		if s.Writable && s.Len > 0 {
			o.ackAt, found = s.Addr, true
			break
		}
	}
	if !found {
		return fmt.Errorf("member: control command at head %d: no writable ack byte", r.Head)
	}
	b, err := virtq.Gather(d.mem, d.rid, r.Chain, 2+maxCtrlData)
	if err != nil {
		return err
	}
	if len(b) < 2 {
		o.short = true
	} else {
		o.cmd = spec.NetCVQCommand{Class: spec.NetCtrlClass(b[0]), Command: b[1]}
		o.data = b[2:]
	}
	r.Op = o
	return nil
}

// Execute runs a fetched request. A request the device already executed
// before a draft-2023 migration (NET_INFLIGHT) is not done again: its used
// length and ack are taken from the mark.
func (d *device) Execute(r *member.Request) error {
	kind, pair := d.role(r.Queue, r.Features)
	if i := d.markIndex(r.Queue, r.Head); i >= 0 {
		e := d.inflight[i]
		r.Written = e.Written
		if o, ok := r.Op.(ctrlOp); ok {
			o.ack = e.Ack
			r.Op = o
		}
		return nil
	}
	switch kind {
	case kindRx:
		return d.executeRx(r, pair)
	case kindTx:
		return d.executeTx(r)
	case kindCtrl:
		o, _ := r.Op.(ctrlOp)
		o.ack = spec.NetAckErr
		if !o.short {
			o.ack = d.command(o.cmd, o.data, r.Features)
		}
		r.Op, r.Written = o, 1
		d.mark(r, o.ack)
		return nil
	}
	return fmt.Errorf("member: q%d: no queue of this device", r.Queue)
}

// executeRx writes the oldest held frame steered to this pair into the
// buffer: virtio_net_hdr (no offloads, num_buffers 1; NET-DEV-04) then the
// frame. A frame the buffer cannot hold is dropped (no-room). With none
// held the buffer waits (member.ErrNotReady).
func (d *device) executeRx(r *member.Request, pair uint16) error {
	o, _ := r.Op.(rxOp)
	for i := 0; i < len(d.port.fifo); {
		fr := d.port.fifo[i]
		if d.pairOf(fr.Data) != pair {
			i++
			continue
		}
		d.port.fifo = slices.Delete(d.port.fifo, i, i+1)
		d.port.memo.forget()
		if uint64(spec.NetHdrSize+len(fr.Data)) > o.room {
			d.port.link.drop(d.port.name, DirRx, fr.Seq, DropNoRoom)
			continue
		}
		buf := make([]byte, spec.NetHdrSize, spec.NetHdrSize+len(fr.Data))
		binary.LittleEndian.PutUint16(buf[10:], 1) // num_buffers
		w, err := virtq.Scatter(d.mem, d.rid, r.Chain, append(buf, fr.Data...))
		if err != nil {
			d.port.link.drop(d.port.name, DirRx, fr.Seq, DropDMA)
			return err
		}
		r.Written = w
		d.port.link.delivered(d.port.name, r.Queue, fr)
		d.mark(r, 0)
		return nil
	}
	return member.ErrNotReady
}

// executeTx reads the frame after the virtio_net_hdr and puts it on the
// wire once, unless it is malformed: shorter than an Ethernet header,
// asking for segmentation, or longer than mtu plus the Ethernet header with
// MTU negotiated (NET-DEV-02) — then it is dropped and counted. The used
// length of a transmit buffer is 0.
func (d *device) executeTx(r *member.Request) error {
	o, _ := r.Op.(txOp)
	r.Written = 0
	var reason DropReason
	var frame []byte
	switch {
	case o.gsoType != 0:
		reason = DropTxGSO
	case o.length < spec.NetHdrSize+ethHeader:
		reason = DropTxRunt
	case o.length > spec.NetHdrSize+maxRxFrame:
		reason = DropTxOversize
	default:
		all, err := virtq.Gather(d.mem, d.rid, r.Chain, int(o.length))
		if err != nil {
			return err
		}
		frame = all[spec.NetHdrSize:]
		if r.Features.Has(spec.FeatureNetMTU) && len(frame) > d.maxFrame(frame) {
			reason = DropTxOversize
		}
	}
	if reason != 0 {
		d.port.link.drop(d.port.name, DirTx, 0, reason)
	} else {
		d.port.link.transmit(d.port.name, r.Queue, frame)
	}
	d.mark(r, 0)
	return nil
}

// Complete writes the ack of a control command; receive and transmit
// buffers have nothing after their data. The request's in-flight mark goes.
func (d *device) Complete(r *member.Request) error {
	if o, ok := r.Op.(ctrlOp); ok {
		if err := d.mem.WriteMem(d.rid, o.ackAt, []byte{o.ack}); err != nil {
			return fmt.Errorf("member: ack of control command at head %d at %#x: %w", r.Head, o.ackAt, err)
		}
	}
	if i := d.markIndex(r.Queue, r.Head); i >= 0 {
		d.inflight = slices.Delete(d.inflight, i, i+1)
	}
	return nil
}

// mark records that r was executed and not completed.
func (d *device) mark(r *member.Request, ack uint8) {
	d.inflight = append(d.inflight, devctx.NetInflight{Queue: r.Queue, Head: r.Head, Written: r.Written, Ack: ack})
}

// markIndex finds the in-flight mark of queue q's head, or -1.
func (d *device) markIndex(q, head uint16) int {
	for i, e := range d.inflight {
		if e.Queue == q && e.Head == head {
			return i
		}
	}
	return -1
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
