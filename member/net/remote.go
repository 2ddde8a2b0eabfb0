package net

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/devctx"
)

// The network side of a member whose device runs elsewhere: an external
// device judged through the device protocol (docs/device-protocol.md).
// Such a device keeps its receive FIFO, filter and link accounts on its
// own side; the kit's proxy takes the frames off the world's port for it
// and replays on the port and its link what the device reports it did, so
// that the world sees the same port and link an in-process member would
// leave. The device's side serves the reference member on a link of its
// own (NewLinkAs) and reports what crossed it (TakeRecords).

// NewLinkAs returns a link provisioned with the VM's MAC address mac and
// mtu: the link a device served elsewhere is given, which makes no frames
// of its own (its peer address is zero).
func NewLinkAs(mac devctx.MAC, mtu uint16) *Link {
	return &Link{mac: mac, mtu: mtu, nextRx: 1, nextTx: 1}
}

// TakeRecords returns what the link recorded since the last call (frames
// transmitted, received frames delivered, drops, each in order) and
// forgets them: how a device served elsewhere reports its network side.
func (l *Link) TakeRecords() (tx []TxRecord, rx []RxRecord, drops []Drop) {
	tx, rx, drops = l.tx, l.rx, l.drops
	l.tx, l.rx, l.drops = nil, nil, nil
	l.memo.forget()
	return tx, rx, drops
}

// TakeIntake returns the frames that arrived on the port and whether an
// announce was requested, and forgets both, as a member's intake on
// EvBackend takes them in.
func (p *Port) TakeIntake() (arrived []Frame, announce bool) {
	announce, p.announce = p.announce, false
	p.memo.forget()
	return p.takeArrivals(), announce
}

// HeldFrames returns the frames in the receive FIFO, oldest first.
func (p *Port) HeldFrames() []Frame { return slices.Clone(p.fifo) }

// Hold puts f at the end of the receive FIFO: a member elsewhere took it
// in. It does not check the FIFO's capacity (FIFOCap): whoever replays a
// member's account checks it once the account is whole.
func (p *Port) Hold(f Frame) {
	p.fifo = append(p.fifo, f)
	p.memo.forget()
}

// Release takes the held frame of sequence number seq out of the FIFO, as
// the member does when it writes it into a receive buffer or drops it
// with reason r (0 for a delivery); ok is false when the FIFO does not
// hold it. The FIFO is left as the member leaves it, so that the port's
// StateHash agrees: a reset (DropReset) empties it to nil, a frame taken
// otherwise is cut out of it.
func (p *Port) Release(seq uint64, r DropReason) (f Frame, ok bool) {
	i := slices.IndexFunc(p.fifo, func(f Frame) bool { return f.Seq == seq })
	if i < 0 {
		return Frame{}, false
	}
	f = p.fifo[i]
	p.fifo = slices.Delete(p.fifo, i, i+1)
	p.memo.forget()
	if r == DropReset && len(p.fifo) == 0 {
		p.fifo = nil
	}
	return f, true
}

// RecordTransmit records on the link a frame the port's member put on
// the wire from queue q.
func (p *Port) RecordTransmit(q uint16, data []byte) { p.link.transmit(p.name, q, data) }

// RecordDelivered records on the link a received frame the port's member
// wrote into a receive buffer of queue q.
func (p *Port) RecordDelivered(q uint16, f Frame) { p.link.delivered(p.name, q, f) }

// RecordDrop counts on the link a frame the port's member dropped.
func (p *Port) RecordDrop(d Dir, seq uint64, r DropReason) { p.link.drop(p.name, d, seq, r) }

// ParseDropReason reads a drop reason's name (DropReason.String).
func ParseDropReason(s string) (DropReason, error) {
	var names []string
	for r := DropStopped; r <= DropTxGSO; r++ {
		if r.String() == s {
			return r, nil
		}
		names = append(names, r.String())
	}
	return 0, fmt.Errorf("unknown drop reason %q (want one of %s)", s, strings.Join(names, ", "))
}

// Dir is the direction of the frames dropped for reason r: DirTx for the
// tx- reasons, DirRx for the others.
func (r DropReason) Dir() Dir {
	switch r {
	case DropTxRunt, DropTxOversize, DropTxGSO:
		return DirTx
	}
	return DirRx
}

// ParseDir reads a direction's name: "rx" or "tx".
func ParseDir(s string) (Dir, error) {
	switch s {
	case "rx":
		return DirRx, nil
	case "tx":
		return DirTx, nil
	}
	return 0, fmt.Errorf("unknown direction %q (want rx or tx)", s)
}
