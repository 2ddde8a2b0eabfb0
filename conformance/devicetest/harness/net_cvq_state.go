package harness

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The whole control-queue state of a virtio-net device, each piece away
// from its reset value: what a guest sets once its interface is up and
// what its migration must carry (virtio spec, "Network Device", "Device
// parts": one VIRTIO_NET_DEV_PART_CVQ_CFG_PART per control-queue
// configuration).

// guestMAC is the address the test guest chooses with MAC_ADDR_SET: a
// locally administered unicast address that is neither the link's (a test
// link provisions 52:54:00:xx:xx:xx) nor one of the MAC table's.
var guestMAC = devctx.MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0xc5}

// guestVLANs are the VLANs the test guest adds, in the order it adds them.
var guestVLANs = []uint16{100, 7}

// CVQSetting is one piece of the control-queue state the test guest sets:
// the commands it sends (each a list of data buffers), the feature they
// need, and the value of the part that records them.
type CVQSetting struct {
	// Cmd is the command (and the part's selector); Part the value its
	// part holds once the commands were used.
	Cmd  spec.NetCVQCommand
	Part []byte
	// sends are the commands' data, one entry per command sent.
	sends   [][][]byte
	feature spec.Feature
}

// CVQSettings are the settings of every control-queue configuration a
// device with one queue pair can hold away from its reset value: every
// receive mode on, the guest's MAC table, the address guestMAC and two
// VLANs (the part holds the whole table, NET-PART-02; here ascending).
func CVQSettings() []CVQSetting {
	t := guestMACTable().Encode()
	uni := 4 + 6*len(guestMACTable().Unicast)
	on := func(cmd spec.NetCVQCommand, f spec.Feature) CVQSetting {
		return CVQSetting{Cmd: cmd, Part: []byte{1}, sends: [][][]byte{{{1}}}, feature: f}
	}
	var vlans [][][]byte
	for _, v := range guestVLANs {
		vlans = append(vlans, [][]byte{binary.LittleEndian.AppendUint16(nil, v)})
	}
	table := binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, guestVLANs[1]), guestVLANs[0])
	return []CVQSetting{
		on(spec.NetRxPromisc, spec.FeatureNetCtrlRx),
		on(spec.NetRxAllMulti, spec.FeatureNetCtrlRx),
		on(spec.NetRxAllUni, spec.FeatureNetCtrlRxExtra),
		on(spec.NetRxNoMulti, spec.FeatureNetCtrlRxExtra),
		on(spec.NetRxNoUni, spec.FeatureNetCtrlRxExtra),
		on(spec.NetRxNoBcast, spec.FeatureNetCtrlRxExtra),
		{Cmd: spec.NetMACTableSet, Part: t, sends: [][][]byte{{t[:uni], t[uni:]}}, feature: spec.FeatureNetCtrlRx},
		{Cmd: spec.NetMACAddrSet, Part: guestMAC[:], sends: [][][]byte{{guestMAC[:]}}, feature: spec.FeatureNetCtrlMACAddr},
		{Cmd: spec.NetVLANAdd, Part: table, sends: vlans, feature: spec.FeatureNetCtrlVLAN},
	}
}

// SetCVQState sends the commands of every setting of CVQSettings whose
// feature the device offers (the test guest negotiates every feature
// offered) and returns those settings. It is a set-up step: a command
// whose buffer is not used or whose ack is not VIRTIO_NET_OK ends the
// test, naming no requirement (NET-DEV-06's own test judges the commands).
func (gu *Guest) SetCVQState() []CVQSetting {
	c := gu.Rig.Check
	offered := spec.Features(gu.Rig.Offered())
	defer c.setUp(StepCtrl, "the control commands that set the device's control-queue state")()
	var set []CVQSetting
	for _, s := range CVQSettings() {
		if !offered.Has(s.feature) {
			continue
		}
		for _, data := range s.sends {
			ack, used := gu.command(s.Cmd, data...)
			switch {
			case !used:
				c.Errorf("", "%s: controlq's used index did not move on: the device did not use the command's buffer", s.Cmd)
			case ack != spec.NetAckOK:
				c.Errorf("", "%s: ack %s, want 0 (VIRTIO_NET_OK)", s.Cmd, ackName(ack))
			default:
				continue
			}
			panic(stopCheck{})
		}
		set = append(set, s)
	}
	return set
}

// CVQParts returns the value of every VIRTIO_NET_DEV_PART_CVQ_CFG_PART a
// state read holds, by command (the first of a selector counts): the
// device's parts (virtio-1.4) or those of its NET_CVQ field (draft-2023).
func (c *Check) CVQParts(state []byte) (map[spec.NetCVQCommand][]byte, error) {
	var parts []devctx.Part
	if c.Ed == spec.Virtio14 {
		ps, err := devctx.DecodeParts(state, devctx.DecodeOptions{AnyOrder: true})
		if err != nil {
			return nil, err
		}
		parts = ps.List
	} else {
		ctx, err := devctx.DecodeDraftContext(state)
		if err != nil {
			return nil, err
		}
		for _, f := range ctx.Fields {
			if f.Type != spec.FieldNetCVQ {
				continue
			}
			ps, err := devctx.DecodeNetCVQField(f.Value)
			if err != nil {
				return nil, fmt.Errorf("NET_CVQ: %w", err)
			}
			parts = append(parts, ps...)
		}
	}
	out := map[spec.NetCVQCommand][]byte{}
	for _, p := range parts {
		if p.Type != spec.PartNetCVQCfg {
			continue
		}
		if _, seen := out[p.NetCVQ().Cmd()]; !seen {
			out[p.NetCVQ().Cmd()] = p.Value
		}
	}
	return out, nil
}

// Command sends control command cmd with each of data in a buffer of its
// own on controlq, kicks it and runs the device. It first harvests
// controlq's used elements, as a driver that has sent many commands does,
// so that the command finds free descriptors; a used element the guest
// cannot harvest fails the test's requirement and ends it. It returns the
// ack byte (0xff: never written) and whether controlq's used index moved
// on by one.
func (gu *Guest) Command(cmd spec.NetCVQCommand, data ...[]byte) (ack byte, used bool) {
	if _, err := gu.Harvest(gu.ctrlQueue()); err != nil {
		gu.Rig.Check.Fatalf("controlq's used ring before %s: %v", cmd, err)
	}
	return gu.command(cmd, data...)
}

// AckName names an ack byte for a message: "0 (VIRTIO_NET_OK)".
func AckName(ack byte) string { return ackName(ack) }

// TableUnicast is the unicast address of the MAC table the test guest
// sets (MAC_TABLE_SET).
func TableUnicast() devctx.MAC { return tableUnicast }

// GuestVLANs are the VLANs the test guest adds, in the order it adds them.
func GuestVLANs() []uint16 { return append([]uint16(nil), guestVLANs...) }
