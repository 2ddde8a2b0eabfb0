package net

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// command posts a control command (struct virtio_net_ctrl_hdr, data, a
// writable ack byte) on the control queue and kicks it; with wait it
// handles interrupts until the ack is in (virtnet_send_command). It reports
// whether the command was posted.
func (g *Driver) command(c spec.NetCVQCommand, data []byte, wait bool) bool {
	if !g.post(c, data, false) {
		return false
	}
	if wait {
		g.Wait()
	}
	return true
}

// post posts a control command and kicks the control queue; internal
// commands are the driver's own (neither logged nor waited for).
func (g *Driver) post(c spec.NetCVQCommand, data []byte, internal bool) bool {
	q, ok := g.queues[g.ctrl]
	if !g.hasCtl || !ok {
		g.failed(guest.GaveUp, CommandNeeds(c), "ctrl %s: no control queue", c)
		if g.features.Has(spec.FeatureNetCtrlVQ) {
			// A probe negotiated the control queue but stopped before
			// it set it up: the program's doing, not a feature left out.
			g.trouble.MarkLastUnprepared()
		} else {
			g.markUnprepared()
		}
		return false
	}
	a, ok := g.mem.get()
	if !ok || len(data)+3 > slotSize {
		g.failed(guest.GaveUp, CommandNeeds(c), "ctrl %s: out of buffer memory", c)
		return false
	}
	b := append([]byte{uint8(c.Class), c.Command}, data...)
	ack := a + uint64(len(b))
	mem := g.bus.Memory()
	_ = mem.WriteMem(guest.RID, a, b)
	_ = mem.WriteMem(guest.RID, ack, []byte{0xff})
	chain := []virtq.Buffer{{Addr: a, Len: 2}}
	if len(data) > 0 {
		chain = append(chain, virtq.Buffer{Addr: a + 2, Len: uint32(len(data))})
	}
	chain = append(chain, virtq.Buffer{Addr: ack, Len: 1, Writable: true})
	if !g.add(q, &buf{slot: a, cmd: c, data: data, ack: ack, desc: describe(c, data), internal: internal}, chain) {
		return false
	}
	g.kick(q)
	return true
}

// acked logs a used control command with its ack.
func (g *Driver) acked(b *buf) {
	ack := make([]byte, 1)
	_ = g.bus.Memory().ReadMem(guest.RID, b.ack, ack)
	if !b.internal {
		g.note(g.ctrl, fmt.Sprintf("ctrl %s: ack=%d", b.desc, ack[0]))
	}
	switch {
	case b.cmd == spec.NetAnnounceAck:
		g.pendingAnnounce = false
	case ack[0] != spec.NetAckOK:
		g.failed(guest.FailedStatus, CommandNeeds(b.cmd), "ctrl %s: ack %d", b.desc, ack[0])
	case b.cmd == spec.NetMACAddrSet && len(b.data) == 6:
		g.mac = [6]byte(b.data)
	}
}

// describe names a command and its data for the log.
func describe(c spec.NetCVQCommand, data []byte) string {
	switch {
	case c == spec.NetMQVQPairsSet && len(data) == 2:
		return fmt.Sprintf("%s %d", c, binary.LittleEndian.Uint16(data))
	case c.Class == spec.NetCtrlRx && len(data) == 1:
		return fmt.Sprintf("%s %d", c, data[0])
	case c.Class == spec.NetCtrlVLAN && len(data) == 2:
		return fmt.Sprintf("%s %d", c, binary.LittleEndian.Uint16(data))
	case c == spec.NetMACAddrSet && len(data) == 6:
		return fmt.Sprintf("%s %s", c, macString([6]byte(data)))
	case c == spec.NetMACTableSet && len(data) >= 4:
		return fmt.Sprintf("%s uc=%d mc=%d", c, binary.LittleEndian.Uint32(data), tableEntries(data))
	}
	return c.String()
}

// tableEntries returns the multicast entry count of a MAC_TABLE_SET
// payload (0 when it does not fit).
func tableEntries(data []byte) uint32 {
	uc := binary.LittleEndian.Uint32(data)
	off := 4 + 6*uint64(uc)
	if uint64(len(data)) < off+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(data[off:])
}

// MACTable is the VIRTIO_NET_CTRL_MAC_TABLE_SET payload with uc unicast and
// mc multicast addresses made from their index (two struct
// virtio_net_ctrl_mac: le32 entries, then the addresses).
func MACTable(uc, mc int) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(uc))
	for i := range uc {
		b = append(b, 0x02, 0x00, 0x00, 0x00, byte(i>>8), byte(i))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(mc))
	for i := range mc {
		b = append(b, 0x01, 0x00, 0x5e, 0x00, byte(i>>8), byte(i))
	}
	return b
}

// SetPairs sends VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET for n pairs; the driver
// transmits on the first n pairs once the device acked (virtnet_set_queues).
func (g *Driver) SetPairs(n uint16, wait bool) {
	if !g.features.Has(spec.FeatureNetMQ) {
		g.failed(guest.GaveUp, mqNeeds, "mq: VIRTIO_NET_F_MQ not negotiated")
		g.markUnprepared()
		return
	}
	set := 0
	for _, q := range g.order {
		if g.queues[q].kind == 't' {
			set++
		}
	}
	if n == 0 || int(n) > set {
		g.failed(guest.GaveUp, mqNeeds, "mq: %d pairs, the driver set up %d", n, set)
		g.markUnprepared()
		return
	}
	if g.command(spec.NetMQVQPairsSet, binary.LittleEndian.AppendUint16(nil, n), wait) {
		g.pairs = n
	}
}

// Final records the guest's closing view: the link state (carrier), mac
// and pairs as the guest believes them, the device status and what never
// completed.
func (g *Driver) Final() {
	g.Flush()
	st := g.r8(spec.CfgDeviceStatus)
	g.logf("final: link=%s mac=%s pairs=%d announces=%d status=%s outstanding=%d", linkString(g.status), macString(g.mac), g.pairs,
		g.announces, spec.DeviceStatus(st), g.outstanding())
}

// Reset resets the device and forgets its queues.
func (g *Driver) Reset() {
	if g.reset() {
		g.logf("reset: done")
	}
}

func macString(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

func linkString(s uint16) string {
	if s&spec.NetStatusLinkUp != 0 {
		return "up"
	}
	return "down"
}
