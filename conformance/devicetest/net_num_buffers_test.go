package devicetest

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// restoreMarker wraps a device and notes when its saved state is written
// to it (DEV_PARTS_SET, or DEV_CTX_WRITE in draft-2023): from then on it is
// a destination.
type restoreMarker struct {
	member.Device
	ed       spec.Edition
	restored *bool
}

func (d *restoreMarker) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		op := ev.Admin.Opcode
		if (d.ed == spec.Draft2023 && spec.DraftOpcode(op) == spec.DraftOpDevCtxWrite) ||
			(d.ed != spec.Draft2023 && spec.Opcode(op) == spec.OpDevPartsSet) {
			*d.restored = true
		}
	}
	return d.Device.Handle(ev)
}

// zeroNumBuffers is guest memory as a destination that builds its receive
// headers with num_buffers 0 sees it: once restored, a DMA write long
// enough to be a virtio_net_hdr and an Ethernet header (used-ring entries
// and control acks are shorter) has its num_buffers cleared.
type zeroNumBuffers struct {
	pcie.MemoryPort
	restored *bool
}

func (m zeroNumBuffers) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if *m.restored && len(data) >= spec.NetHdrSize+14 {
		data = append([]byte(nil), data...)
		data[10], data[11] = 0, 0
	}
	return m.MemoryPort.WriteMem(rid, addr, data)
}

// TestNetNumBuffersAfterRestore plants a virtio-net destination that
// writes num_buffers 0 into the receive buffers it fills after the move:
// the frame's bytes and the used length are right, so only the header's
// num_buffers shows it, and every unit that judges a frame a destination
// received charges NET-DEV-04. The units whose receive buffer the source
// fills before the stop see a device that writes 0 from the start. The
// reference passes them.
func TestNetNumBuffersAfterRestore(t *testing.T) {
	plant := func(always bool) member.Factory {
		return func(c member.Config) member.Device {
			restored := new(bool)
			*restored = always
			c.Mem = zeroNumBuffers{MemoryPort: c.Mem, restored: restored}
			return &restoreMarker{Device: membernet.New(c), ed: c.Edition, restored: restored}
		}
	}
	for _, u := range []struct {
		name   string
		always bool
	}{{"net-round-trip-mid-workload", false}, {"net-mq-round-trip", false},
		{"stop-writes-back-filled-rx-buffer", true}, {"filled-rx-buffer-used-or-owned-at-stop", true}} {
		expectHeaderCharged(t, u.name, plant(u.always), "holds num_buffers 0 in its virtio_net_hdr, want 1")
	}
}

// expectHeaderCharged runs the virtio-net units named name in each
// edition they apply to, on the reference (it passes) and on planted, whose every
// failure must charge NET-DEV-04 (the virtio_net_hdr's layout) alone, one
// of them with want in its message.
func expectHeaderCharged(t *testing.T, name string, planted member.Factory, want string) {
	t.Helper()
	for _, dt := range All() {
		if dt.name != name {
			continue
		}
		for _, ed := range spec.Editions {
			if !dt.AppliesTo(ed) {
				continue
			}
			t.Run(name+"/"+ed.String(), func(t *testing.T) {
				ref := runCheck(dt, ed, spec.DefaultRules(ed), membernet.New, extdevice.TypeNet)
				require.NoError(t, ref.Fatal)
				assert.Empty(t, ref.Fails, "the reference")
				assert.Positive(t, ref.Asserted)

				c := runCheck(dt, ed, spec.DefaultRules(ed), planted, extdevice.TypeNet)
				require.NoError(t, c.Fatal)
				require.Empty(t, c.Skipped)
				reqs, msgs := splitFailures(c.Fails)
				require.NotEmpty(t, reqs, "the planted destination passes")
				for _, r := range reqs {
					assert.Equal(t, []string{"NET-DEV-04"}, r, "%q", msgs)
				}
				assert.Contains(t, strings.Join(msgs, "\n"), want)
			})
		}
	}
}

// shortHeader is guest memory as a destination that writes the 10-byte
// virtio_net_hdr of a device without VIRTIO_F_VERSION_1 and
// VIRTIO_NET_F_MRG_RXBUF (no num_buffers) sees it: once restored, a DMA
// write long enough to be a header and an Ethernet header loses bytes 10
// and 11, and the used element that follows it has a used length two
// bytes shorter, as such a device would report it.
type shortHeader struct {
	pcie.MemoryPort
	restored *bool
	// short is the used length the last shortened write had with the
	// full header (0: none pending).
	short *uint32
}

func (m shortHeader) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	switch {
	case *m.restored && len(data) >= spec.NetHdrSize+14:
		*m.short = uint32(len(data))
		data = append(append([]byte(nil), data[:10]...), data[12:]...)
	case *m.short != 0 && len(data) == 8 && binary.LittleEndian.Uint32(data[4:]) == *m.short:
		data = append([]byte(nil), data...)
		binary.LittleEndian.PutUint32(data[4:], *m.short-2)
		*m.short = 0
	}
	return m.MemoryPort.WriteMem(rid, addr, data)
}

// TestNetShortHeaderAfterRestore plants a virtio-net destination that
// writes 10-byte virtio_net_hdrs after the move: every unit that judges a
// frame a destination received charges NET-DEV-04 (the header's layout)
// alone, not the unit's own requirement for the frame's offset and used
// length, which are wrong only by the header's missing num_buffers.
// Without the check of the header's length the frame's bytes, its used
// length and a num_buffers read from the frame's first bytes all fail,
// the first two charged to the unit's own requirement.
func TestNetShortHeaderAfterRestore(t *testing.T) {
	planted := func(c member.Config) member.Device {
		restored := new(bool)
		c.Mem = shortHeader{MemoryPort: c.Mem, restored: restored, short: new(uint32)}
		return &restoreMarker{Device: membernet.New(c), ed: c.Edition, restored: restored}
	}
	for _, name := range []string{"net-round-trip-mid-workload", "net-mq-round-trip"} {
		expectHeaderCharged(t, name, planted, "behind a 10-byte virtio_net_hdr without num_buffers (used length")
	}
}
