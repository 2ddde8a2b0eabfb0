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

// TestNetCommandAfterMove plants a virtio-net destination that acks a
// control command sent to it after the resume VIRTIO_NET_OK without
// applying it: every part it reads back is the source's, so only the
// command shows it, and net-cvq-state-round-trip charges NET-DEV-06 (mac
// is updated before MAC_ADDR_SET is used). The reference passes.
func TestNetCommandAfterMove(t *testing.T) {
	units := unitsByEdition(t, "net-cvq-state-round-trip", 2)
	planted := func(c member.Config) member.Device {
		restored := new(bool)
		c.Mem = staleMACAddr{MemoryPort: c.Mem, restored: restored}
		return &restoreMarker{Device: membernet.New(c), ed: c.Edition, restored: restored}
	}
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			ref := runCheck(units[ed], ed, spec.DefaultRules(ed), membernet.New, extdevice.TypeNet)
			require.NoError(t, ref.Fatal)
			assert.Empty(t, ref.Fails, "the reference")

			c := runCheck(units[ed], ed, spec.DefaultRules(ed), planted, extdevice.TypeNet)
			require.NoError(t, c.Fatal)
			require.Empty(t, c.Skipped)
			reqs, msgs := splitFailures(c.Fails)
			assert.Equal(t, [][]string{{"NET-DEV-06"}}, reqs, "%q", msgs)
			assert.Contains(t, strings.Join(msgs, "\n"),
				"the destination acked MAC_ADDR_SET 02:00:00:00:00:c6 VIRTIO_NET_OK after the resume, but the guest then reads mac 02:00:00:00:00:c5 from its virtio_net_config")
		})
	}
}
