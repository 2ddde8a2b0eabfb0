package devicetest

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestNetCVQStateRoundTripBlame plants the bugs of a virtio-net device's
// control-queue state that the receive filter's round trip cannot see (its
// receive modes are off, their reset value, and it sets no address and no
// VLAN): a source that saves an empty VLAN table, or the provisioned mac
// in place of the one MAC_ADDR_SET chose (which the guest then reads from
// the destination), breaks NET-PART-02 in the state read from it; a
// destination that restores RX_PROMISC off breaks NET-PART-02 in the state
// it reads back. A destination that reads back the VLAN table written to it
// but filters by an empty one breaks DP-DEV-08 (the frame of VLAN 100 is
// dropped), one that filters by every VLAN NET-DEV-08 (VLAN 5 is taken).
// The reference passes in both editions.
func TestNetCVQStateRoundTripBlame(t *testing.T) {
	units := unitsByEdition(t, "net-cvq-state-round-trip", 2)
	rewrite := func(cmd spec.NetCVQCommand, set, get func([]byte) []byte) member.Factory {
		return func(c member.Config) member.Device {
			return &partsRewriter{Device: membernet.New(c), cmd: cmd, set: set, get: get, gets: map[uint64]bool{}}
		}
	}
	empty := func([]byte) []byte { return nil }
	off := func([]byte) []byte { return []byte{0} }
	provisioned := func([]byte) []byte { return []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56} }
	// heldNotApplied is a destination that reads back the VLAN table
	// written to it and filters by table instead.
	heldNotApplied := func(table []byte) member.Factory {
		return func(c member.Config) member.Device {
			var written []byte
			set := func(v []byte) []byte { written = v; return table }
			get := func(v []byte) []byte {
				if written != nil {
					return written
				}
				return v
			}
			return &partsRewriter{Device: membernet.New(c), cmd: spec.NetVLANAdd, set: set, get: get, gets: map[uint64]bool{}}
		}
	}
	var every []byte
	for id := range uint16(devctx.NetVLANMax) {
		every = binary.LittleEndian.AppendUint16(every, id)
	}
	for _, tc := range []struct {
		name  string
		ed    spec.Edition
		f     member.Factory
		reqs  [][]string
		words []string
	}{
		{"reference", spec.Virtio14, membernet.New, nil, nil},
		{"reference", spec.Draft2023, membernet.New, nil, nil},
		{"saves-empty-vlan-table", spec.Virtio14, rewrite(spec.NetVLANAdd, nil, empty),
			[][]string{{"NET-PART-02"}, {"NET-PART-02"}},
			[]string{"the state read from the stopped source: the VIRTIO_NET_CTRL_VLAN_ADD part holds (entries=0 vlans=-), want what the driver set, (entries=2 vlans=7,100)",
				"tagged with VLAN 100 on the destination, with RX_PROMISC and RX_NOUNI off was not received, though VLAN 100 is in the table the driver set: the source's state did not carry the VLAN table (above)"}},
		{"saves-provisioned-mac", spec.Virtio14, rewrite(spec.NetMACAddrSet, nil, provisioned),
			[][]string{{"NET-PART-02"}, {"NET-PART-02"}},
			[]string{"VIRTIO_NET_CTRL_MAC_ADDR_SET part holds (mac=52:54:00:12:34:56)",
				"the guest reads mac 52:54:00:12:34:56 from the destination's virtio_net_config after the resume, where it had chosen 02:00:00:00:00:c5"}},
		{"holds-vlan-table-applies-none", spec.Virtio14, heldNotApplied(nil),
			[][]string{{"DP-DEV-08"}},
			[]string{"tagged with VLAN 100 on the destination, with RX_PROMISC and RX_NOUNI off was not received, though VLAN 100 is in the table the driver set: the destination reads back the VLAN table written to it but does not filter by it"}},
		{"holds-vlan-table-takes-every-vlan", spec.Virtio14, heldNotApplied(every),
			[][]string{{"NET-DEV-08"}},
			[]string{"tagged with VLAN 5 on the destination, with RX_PROMISC and RX_NOUNI off was received, though VLAN 5 is not in the table (VLANs [100 7]): a device with VIRTIO_NET_F_CTRL_VLAN should drop it"}},
		{"restores-promisc-off", spec.Virtio14, rewrite(spec.NetRxPromisc, off, nil),
			[][]string{{"NET-PART-02"}},
			[]string{"the state read back from the destination after the resume: the VIRTIO_NET_CTRL_RX_PROMISC part holds (value=0 (off)), want what the source's state wrote to it, (value=1 (on))"}},
	} {
		t.Run(tc.name+"/"+tc.ed.String(), func(t *testing.T) {
			c := runCheck(units[tc.ed], tc.ed, spec.DefaultRules(tc.ed), tc.f, extdevice.TypeNet)
			require.NoError(t, c.Fatal)
			require.Empty(t, c.Skipped)
			reqs, msgs := splitFailures(c.Fails)
			assert.Equal(t, tc.reqs, reqs, "%q", msgs)
			all := strings.Join(msgs, "\n")
			for _, w := range tc.words {
				assert.Contains(t, all, w)
			}
			if tc.reqs == nil {
				assert.Positive(t, c.Asserted, "the reference passes on checks, not on none")
			}
		})
	}
}
