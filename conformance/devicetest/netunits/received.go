package netunits

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// NumBuffersReq is the requirement a receive buffer's virtio_net_hdr
// breaks, its num_buffers or its layout: NET-DEV-04 (virtio spec,
// "Network Device", "Setting Up Receive Buffers").
const NumBuffersReq = "NET-DEV-04"

// legacyHdrSize is the size of struct virtio_net_hdr without num_buffers:
// a legacy device without VIRTIO_NET_F_MRG_RXBUF used it ("Packet
// Transmission", "Legacy Interface: Device Operation"); with
// VIRTIO_F_VERSION_1 every header has num_buffers (spec.NetHdrSize).
const legacyHdrSize = spec.NetHdrSize - 2

// JudgeReceived checks that receive buffer r of queue q holds frame f
// behind a virtio_net_hdr, with the used length of both (virtio spec,
// "Processing of Incoming Packets") and num_buffers 1: the whole packet
// is in this one buffer, so with or without VIRTIO_NET_F_MRG_RXBUF one
// buffer holds it (NET-DEV-04, "Setting Up Receive Buffers"). A frame
// behind a 10-byte header — the layout without num_buffers, which a
// device that builds its header as if VIRTIO_F_VERSION_1 and
// VIRTIO_NET_F_MRG_RXBUF were not negotiated writes — breaks NET-DEV-04
// alone: the frame's bytes and the used length are wrong only by the
// header's two missing bytes.
func JudgeReceived(c *harness.Check, gu *harness.Guest, q int, r harness.Request, f []byte) {
	_, used := gu.UsedRing(q)
	ln, ok := used[r.Head]
	if !ok {
		c.Errorf("", "the receive buffer (head %d) is not in %s's used ring after a frame arrived", r.Head, harness.QueueName(q))
		return
	}
	got := gu.Data(r)
	if shortHeader(got, f) {
		c.Errorf(NumBuffersReq, "the receive buffer (head %d) holds the frame at byte %d, behind a %d-byte virtio_net_hdr without num_buffers (used length %d): with VIRTIO_F_VERSION_1 the header is %d bytes, num_buffers 1",
			r.Head, legacyHdrSize, legacyHdrSize, ln, spec.NetHdrSize)
		return
	}
	want := uint32(spec.NetHdrSize + len(f))
	c.Expect(ln == want, "the receive buffer's used length: %d, want %d (the %d-byte virtio_net_hdr and the %d-byte frame)", ln, want, spec.NetHdrSize, len(f))
	c.ExpectSame(got[spec.NetHdrSize:spec.NetHdrSize+len(f)], f, fmt.Sprintf("the frame in the receive buffer (head %d)", r.Head))
	JudgeNumBuffers(c, got, r.Head)
}

// shortHeader reports whether buffer data holds frame f at byte 10, after
// a header without num_buffers, and not at byte 12.
func shortHeader(data, f []byte) bool {
	if len(data) < spec.NetHdrSize+len(f) {
		return false
	}
	return bytes.Equal(data[legacyHdrSize:legacyHdrSize+len(f)], f) && !bytes.Equal(data[spec.NetHdrSize:spec.NetHdrSize+len(f)], f)
}

// JudgeNumBuffers checks the num_buffers field (the le16 at byte 10 of
// virtio_net_hdr) of a receive buffer that holds a whole packet: one
// buffer holds it, so num_buffers is 1 (NET-DEV-04). A device that writes
// another count only after a move (a header built from a stale feature
// set, or left 0) passes every check of the frame's bytes and length.
func JudgeNumBuffers(c *harness.Check, data []byte, head uint16) {
	if len(data) < spec.NetHdrSize {
		c.Errorf(NumBuffersReq, "the receive buffer (head %d) holds %d bytes, too few for the %d-byte virtio_net_hdr", head, len(data), spec.NetHdrSize)
		return
	}
	nb := binary.LittleEndian.Uint16(data[10:12])
	if nb != 1 {
		c.Errorf(NumBuffersReq, "the receive buffer (head %d) holds num_buffers %d in its virtio_net_hdr, want 1: the whole packet is in this one buffer", head, nb)
		return
	}
	c.Asserted++
}
