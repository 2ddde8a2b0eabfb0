package devicetest

import (
	"bytes"
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

// staleMACAddr is guest memory as a destination that acks MAC_ADDR_SET
// without applying it sees it: once restored, the device reads the
// command's address as the one it already shows (the restored one), so it
// sets what it had and acks VIRTIO_NET_OK.
type staleMACAddr struct {
	pcie.MemoryPort
	restored *bool
}

func (m staleMACAddr) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := m.MemoryPort.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	if *m.restored && bytes.Contains(buf, movedMAC[:]) {
		i := bytes.Index(buf, movedMAC[:])
		copy(buf[i:], []byte{0x02, 0x00, 0x00, 0x00, 0x00, 0xc5})
	}
	return nil
}

// promiscStays is guest memory as a destination that acks RX_PROMISC off
// without leaving promiscuous mode sees it: once restored, the device
// reads the command's header (class VIRTIO_NET_CTRL_RX, command
// RX_PROMISC; the test guest puts each command at the start of a page of
// its own, where no ring index is) as RX_ALLMULTI, so it changes another
// mode and acks VIRTIO_NET_OK.
type promiscStays struct {
	pcie.MemoryPort
	restored *bool
}

func (m promiscStays) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := m.MemoryPort.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	if *m.restored && len(buf) == 2 && addr%0x1000 == 0 && buf[0] == byte(spec.NetRxPromisc.Class) && buf[1] == spec.NetRxPromisc.Command {
		buf[1] = spec.NetRxAllMulti.Command
	}
	return nil
}

// TestNetCommandAfterMove plants a virtio-net destination that acks a
// control command sent to it after the resume VIRTIO_NET_OK without
// applying it: every part it reads back is the source's, so only the
// command shows it. net-cvq-state-round-trip charges MAC_ADDR_SET to
// NET-DEV-06 (mac is updated before MAC_ADDR_SET is used) and RX_PROMISC
// off to NET-DEV-05 (a multicast frame taken with RX_NOMULTI on), and then
// judges no VLAN filter through a promiscuous device. The reference
// passes.
func TestNetCommandAfterMove(t *testing.T) {
	units := unitsByEdition(t, "net-cvq-state-round-trip", 2)
	plant := func(mem func(pcie.MemoryPort, *bool) pcie.MemoryPort) member.Factory {
		return func(c member.Config) member.Device {
			restored := new(bool)
			c.Mem = mem(c.Mem, restored)
			return &restoreMarker{Device: membernet.New(c), ed: c.Edition, restored: restored}
		}
	}
	for _, tc := range []struct {
		name string
		f    member.Factory
		reqs [][]string
		word string
	}{
		{"reference", membernet.New, nil, ""},
		{"acks-mac-addr-set-unapplied", plant(func(m pcie.MemoryPort, r *bool) pcie.MemoryPort { return staleMACAddr{m, r} }),
			[][]string{{"NET-DEV-06"}},
			"the destination acked MAC_ADDR_SET 02:00:00:00:00:c6 VIRTIO_NET_OK after the resume, but the guest then reads mac 02:00:00:00:00:c5 from its virtio_net_config"},
		{"acks-promisc-off-unapplied", plant(func(m pcie.MemoryPort, r *bool) pcie.MemoryPort { return promiscStays{m, r} }),
			[][]string{{"NET-DEV-05"}},
			"the frame to the multicast address 33:33:00:00:00:b4 (not in the MAC table) on the destination was received with RX_NOMULTI on, after RX_PROMISC off was acked VIRTIO_NET_OK: the device is still promiscuous"},
	} {
		for _, ed := range spec.Editions {
			t.Run(tc.name+"/"+ed.String(), func(t *testing.T) {
				c := runCheck(units[ed], ed, spec.DefaultRules(ed), tc.f, extdevice.TypeNet)
				require.NoError(t, c.Fatal)
				require.Empty(t, c.Skipped)
				reqs, msgs := splitFailures(c.Fails)
				assert.Equal(t, tc.reqs, reqs, "%q", msgs)
				if tc.reqs == nil {
					assert.Positive(t, c.Asserted)
					return
				}
				assert.Contains(t, strings.Join(msgs, "\n"), tc.word)
			})
		}
	}
}
