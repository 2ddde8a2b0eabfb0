package harness

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The test guest's side of a virtio-net device's control virtqueue
// (virtio spec, "Network Device", "Control Virtqueue") and of its receive
// filter. A test of the control queue runs a device with one queue pair
// and the control queue (rigCtrlQueues): controlq is queue 2; a multiqueue
// test one with Check.Pairs pairs, controlq at 2·Pairs.

// ctrlQueue is controlq: the last queue of the device.
func (gu *Guest) ctrlQueue() int { return gu.Rig.Check.numQueues() - 1 }

// The addresses of the test guest's MAC table and two it leaves out:
// locally administered unicast addresses and IPv6 multicast ones, none of
// them the device's mac (a test link provisions 52:54:00:xx:xx:xx,
// member/net's NewLink) or its peer's.
var (
	tableUnicast   = devctx.MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0xa1}
	tableMulticast = devctx.MAC{0x33, 0x33, 0x00, 0x00, 0x00, 0xa2}
	otherUnicast   = devctx.MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0xb3}
	otherMulticast = devctx.MAC{0x33, 0x33, 0x00, 0x00, 0x00, 0xb4}
)

// guestMACTable is the MAC table the test guest sets: one unicast and one
// multicast address.
func guestMACTable() devctx.NetMACTable {
	return devctx.NetMACTable{Unicast: []devctx.MAC{tableUnicast}, Multicast: []devctx.MAC{tableMulticast}}
}

// needCtrl skips a test of the control queue on a device that does not
// offer what its commands need: the control queue itself
// (VIRTIO_NET_F_CTRL_VQ) and VIRTIO_NET_F_CTRL_RX, which brings the
// receive modes and the MAC filtering commands (virtio spec, "Packet
// Receive Filtering" and "Setting MAC Address Filtering"), and for a
// multiqueue test VIRTIO_NET_F_MQ ("Automatic receive steering in
// multiqueue mode").
func (c *Check) needCtrl(offered uint64) {
	need := []spec.Feature{spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx}
	if c.Pairs > 1 {
		need = append(need, spec.FeatureNetMQ)
	}
	for _, f := range need {
		if !spec.Features(offered).Has(f) {
			c.Skipf("the device (num_queues %d) does not offer %s, which the test's control commands need", c.numQueues(), spec.NetFeatureName(f))
		}
	}
}

// postCtrl posts control command cmd on controlq without kicking, as
// Linux's virtnet_send_command_reply (drivers/net/virtio_net.c) lays it
// out: struct virtio_net_ctrl_hdr {u8 class; u8 cmd} driver-readable,
// each of data in a driver-readable buffer of its own, then the one-byte
// ack device-writable, primed 0xff (no ack written).
func (gu *Guest) postCtrl(cmd spec.NetCVQCommand, data ...[]byte) Request {
	g := gu.Rig
	a := gu.next
	gu.next += 0x1000
	must(g, g.mem.WriteMem(RigHost, a, []byte{byte(cmd.Class), cmd.Command}))
	bufs := []virtq.Buffer{{Addr: a, Len: 2}}
	at := a + 16
	for _, d := range data {
		must(g, g.mem.WriteMem(RigHost, at, d))
		bufs = append(bufs, virtq.Buffer{Addr: at, Len: uint32(len(d))})
		at += uint64(len(d)+15) &^ 15
	}
	must(g, g.mem.WriteMem(RigHost, at, []byte{0xff}))
	bufs = append(bufs, virtq.Buffer{Addr: at, Len: 1, Writable: true})
	head, err := gu.rings[gu.ctrlQueue()].Add(bufs)
	if err != nil {
		g.Check.Fatalf("controlq: %v", err)
	}
	must(g, gu.rings[gu.ctrlQueue()].Publish())
	gu.posted++
	return Request{Head: head, status: at}
}

// command sends control command cmd, kicks controlq and runs the device;
// it returns the ack byte (0xff: never written) and whether controlq's
// used index moved on by one.
func (gu *Guest) command(cmd spec.NetCVQCommand, data ...[]byte) (ack byte, used bool) {
	before := gu.Used(gu.ctrlQueue())
	r := gu.postCtrl(cmd, data...)
	gu.Kick(gu.ctrlQueue())
	gu.Rig.Run()
	return gu.Status(r), gu.Used(gu.ctrlQueue()) == before+1
}

// ackName names an ack byte for a message.
func ackName(ack byte) string {
	switch ack {
	case spec.NetAckOK:
		return "0 (VIRTIO_NET_OK)"
	case spec.NetAckErr:
		return "1 (VIRTIO_NET_ERR)"
	case 0xff:
		return "none (the ack byte was never written)"
	}
	return fmt.Sprintf("%d (neither VIRTIO_NET_OK nor VIRTIO_NET_ERR)", ack)
}

// RxModeCommand is one command of the receive filter the test guest sets,
// with the requirement a device that does not ack it VIRTIO_NET_OK breaks.
type RxModeCommand struct {
	// Cmd is the command, Data its data buffers (each its own
	// descriptor), id the requirement.
	Cmd  spec.NetCVQCommand
	Data [][]byte
	id   string
}

// RxModeCommands are the commands Linux's virtnet_set_rx_mode sends with
// VIRTIO_NET_F_CTRL_RX, for a device that is neither promiscuous nor takes
// every multicast address: RX_PROMISC off and RX_ALLMULTI off (NET-DEV-05:
// one byte, 0 off), then MAC_TABLE_SET with the unicast table and the
// multicast table, each a struct virtio_net_ctrl_mac {le32 entries; u8
// macs[entries][6]} in a buffer of its own (NET-DEV-06: the table is
// updated before the command's buffer is used).
func RxModeCommands() []RxModeCommand {
	t := guestMACTable().Encode()
	uni := 4 + 6*len(guestMACTable().Unicast)
	return []RxModeCommand{
		{spec.NetRxPromisc, [][]byte{{0}}, "NET-DEV-05"},
		{spec.NetRxAllMulti, [][]byte{{0}}, "NET-DEV-05"},
		{spec.NetMACTableSet, [][]byte{t[:uni], t[uni:]}, "NET-DEV-06"},
	}
}

// SetRxMode sends RxModeCommands. A command whose buffer is not used, or
// whose ack is not VIRTIO_NET_OK, fails its requirement in a test that
// judges the commands (stepCtrl), and the set-up of any other, which
// then ends.
func (gu *Guest) SetRxMode() {
	c := gu.Rig.Check
	defer c.setUp(StepCtrl, "the receive filter's control commands (RX_PROMISC off, RX_ALLMULTI off, MAC_TABLE_SET)")()
	for _, m := range RxModeCommands() {
		ack, used := gu.command(m.Cmd, m.Data...)
		id := m.id
		if c.step != "" {
			id = "" // the set-up's
		}
		switch {
		case !used:
			c.Errorf(id, "%s: controlq's used index did not move on: the device did not use the command's buffer", m.Cmd)
		case ack != spec.NetAckOK:
			c.Errorf(id, "%s: ack %s, want 0 (VIRTIO_NET_OK)", m.Cmd, ackName(ack))
		default:
			if c.step == "" {
				c.Asserted++
			}
			continue
		}
		if c.step != "" {
			panic(stopCheck{})
		}
	}
}

// FilterFrame is a frame the test sends to see the receive filter: its
// destination and what it is.
type FilterFrame struct {
	// dst is the frame's destination; What names it for a message.
	dst  devctx.MAC
	What string
}

// FilterFrames are the frames that show the MAC table: one to each of its
// addresses, one to a unicast and one to a multicast address it leaves
// out.
func FilterFrames() []FilterFrame {
	return []FilterFrame{
		{tableUnicast, "the MAC table's unicast address " + tableUnicast.String()},
		{tableMulticast, "the MAC table's multicast address " + tableMulticast.String()},
		{otherUnicast, "the unicast address " + otherUnicast.String() + ", in neither the table nor mac"},
		{otherMulticast, "the multicast address " + otherMulticast.String() + ", not in the table (RX_ALLMULTI off)"},
	}
}

// Filtered sends each frame of FilterFrames to the device, one at a time
// with one receive buffer waiting on receiveq1 (the guest posts one when
// none is left of those it posted before), and returns whether each was
// received (ArriveOne).
func (gu *Guest) Filtered(id, when string) []bool {
	var got []bool
	for i, ff := range FilterFrames() {
		got = append(got, gu.ArriveOne(id, ff.What+" "+when, ff.dst, uint32(40+i), -1))
	}
	return got
}

// ArriveOne has a 100-byte frame of flow to dst (tagged with VLAN vlan, or
// untagged when vlan is negative) arrive at the device with one receive
// buffer waiting on receiveq1 (the guest posts one when none is left of
// those it posted before) and reports whether it was received:
// receiveq1's used index moved on and the buffer holds the frame behind
// its virtio_net_hdr. A frame received with other bytes, or one that moves
// the used index by more than one, fails id: the device wrote what no
// frame carried. what names the frame for a message ("the frame to …").
func (gu *Guest) ArriveOne(id, what string, dst devctx.MAC, flow uint32, vlan int) bool {
	c := gu.Rig.Check
	if len(gu.rxWaiting) == 0 {
		gu.rxWaiting = append(gu.rxWaiting, gu.PostRx(0, 2048))
		gu.Kick(0)
		gu.Rig.Run()
	}
	before := gu.Used(0)
	link := gu.Rig.Port.Link()
	f := link.Frame(dst, flow, vlan, 100)
	gu.Rig.Port.Arrive(f)
	gu.Rig.Handle(member.Event{Kind: member.EvBackend})
	gu.Rig.Run()
	n := gu.Used(0) - before
	switch {
	case n == 1:
		rx := gu.rxWaiting[0]
		gu.rxWaiting = gu.rxWaiting[1:]
		data := gu.Data(rx)
		if !bytes.Equal(data[spec.NetHdrSize:spec.NetHdrSize+len(f.Data)], f.Data) {
			c.Errorf(id, "the frame to %s: the receive buffer (head %d) does not hold it behind the virtio_net_hdr", what, rx.Head)
		}
	case n > 1:
		c.Errorf(id, "the frame to %s: receiveq1's used index moved on by %d, want at most 1", what, n)
		gu.rxWaiting = nil
	}
	return n > 0
}

// FilterPart is the part of one command of RxModeCommands a state read
// holds: its value, found false when there is none.
type FilterPart struct {
	// Value is the part's value; Found is false when the state holds no
	// such part.
	Value []byte
	Found bool
}

// FilterParts returns the part of each command of RxModeCommands, in
// order, that a state read holds: the value of the
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART with the command as its selector
// (virtio-1.4; NET-PART-01, NET-PART-02), or of that part in the NET_CVQ
// field (draft-2023; DRAFT-CTX-09, docs/context-format.md). The first part
// of a selector counts. err says why the state does not decode.
func (c *Check) FilterParts(state []byte) ([]FilterPart, error) {
	byCmd, err := c.CVQParts(state)
	if err != nil {
		return nil, err
	}
	cmds := RxModeCommands()
	out := make([]FilterPart, len(cmds))
	for i, m := range cmds {
		if v, ok := byCmd[m.Cmd]; ok {
			out[i] = FilterPart{Value: v, Found: true}
		}
	}
	return out, nil
}

// DescribeCVQValue renders the value of command cmd's part for a message:
// its fields, or why it does not decode.
func DescribeCVQValue(cmd spec.NetCVQCommand, v []byte) string {
	t, err := devctx.DecodeNetCVQValue(cmd, v)
	if err != nil {
		return fmt.Sprintf("%d bytes that are no %s value (%v)", len(v), cmd, err)
	}
	var s []string
	for _, a := range t.Attrs() {
		s = append(s, a.Name+"="+a.Value)
	}
	return "(" + strings.Join(s, " ") + ")"
}

// SourceFiltered sends the frames of FilterFrames to the source before
// the move, which the destination is judged against: a set-up step, since
// a source that does not receive the frames to the MAC table's addresses
// intact leaves nothing to compare the destination with (NET-DEV-06 and
// the receive tests judge that). It ends the test when the step fails.
func (gu *Guest) SourceFiltered() []bool {
	c := gu.Rig.Check
	const step = "the receive filter on the source before the move"
	defer c.setUp(StepCtrl, step)()
	n := len(c.Fails)
	got := gu.Filtered("", "on the source before the move")
	if c.step != "" && len(c.Fails) > n {
		panic(stopCheck{})
	}
	if !got[0] || !got[1] {
		c.SetUpFatalf(step, "the frames to the MAC table's addresses, received on the source before the move: unicast %v, multicast %v, want both", got[0], got[1])
	}
	return got
}

// Dst is the frame's destination address.
func (f FilterFrame) Dst() devctx.MAC { return f.dst }
