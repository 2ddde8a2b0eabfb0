package net

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
)

// HostIntake takes in what reached the port since the last EvBackend (the
// core calls it first on every EvBackend). An announce request is kept
// for the next host change when GUEST_ANNOUNCE and CTRL_VQ are negotiated
// and ignored otherwise. Each frame that arrived is, in order:
//
//   - quiesced with rx-while-stopped=drop: dropped (reason stopped) — a
//     stopped device may not DMA (DP-DEV-11, DRAFT-STOP-02) and keeps
//     nothing its saved state does not carry;
//   - refused by the receive filter: dropped (runt, mtu, filtered);
//   - with the receive FIFO full: dropped (fifo-full);
//   - otherwise held in the FIFO until a receive buffer takes it — while
//     quiesced (rx-while-stopped=buffer) that is after the resume.
//
// Nothing here touches guest memory. Every drop is counted on the link.
func (d *device) HostIntake(quiesced bool, f spec.Features) string {
	var notes []string
	if d.port.announce {
		d.port.announce = false
		d.port.memo.forget()
		if f.Has(spec.FeatureNetGuestAnnounce) && f.Has(spec.FeatureNetCtrlVQ) {
			d.announceWanted = true
			notes = append(notes, "announce requested")
		} else {
			notes = append(notes, "announce request ignored: VIRTIO_NET_F_GUEST_ANNOUNCE not negotiated")
		}
	}
	arrived := d.port.takeArrivals()
	if len(arrived) == 0 {
		return strings.Join(notes, "; ")
	}
	held := 0
	var dropped []DropReason
	counts := map[DropReason]int{}
	for _, fr := range arrived {
		r := d.intakeFrame(fr, quiesced, f)
		if r == 0 {
			held++
			continue
		}
		if counts[r] == 0 {
			dropped = append(dropped, r)
		}
		counts[r]++
	}
	n := fmt.Sprintf("rx: %d of %d frames held", held, len(arrived))
	for _, r := range dropped {
		n += fmt.Sprintf(", %d dropped (%s)", counts[r], r)
	}
	if quiesced && held > 0 {
		n += " until resume (rx-while-stopped=buffer)"
	}
	return strings.Join(append(notes, n), "; ")
}

// intakeFrame holds one arrived frame or drops it; 0 means held.
func (d *device) intakeFrame(fr Frame, quiesced bool, f spec.Features) DropReason {
	r := DropReason(0)
	switch {
	case quiesced && d.rules.RxWhileStopped != spec.RxStoppedBuffer:
		r = DropStopped
	default:
		if ok, why := d.accept(fr.Data, f); !ok {
			r = why
		} else if len(d.port.fifo) >= d.port.fifoCap {
			r = DropFIFOFull
		}
	}
	if r != 0 {
		d.port.link.drop(d.port.name, DirRx, fr.Seq, r)
		return r
	}
	d.port.fifo = append(d.port.fifo, fr)
	d.port.memo.forget()
	return 0
}
