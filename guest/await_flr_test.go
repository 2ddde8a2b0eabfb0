package guest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
)

// flrBus answers PCI_COMMAND with all ones for its first notReady reads,
// as a function still in its FLR does, and counts the time slept.
type flrBus struct {
	capBus
	notReady, reads int
}

func (b *flrBus) CfgRead(off uint16, n int) uint32 {
	if off == 0x04 {
		b.reads++
		if b.reads <= b.notReady {
			return 0xffffffff
		}
		return 0x0406
	}
	return 0
}

// TestAwaitFLR: the wait of Linux's pcie_flr (100 ms, then pci_dev_wait
// polling PCI_COMMAND past all ones, 1, 2, 4, … ms apart, at most 60 s):
// a function ready at once costs 100 ms and one read, one still in its
// FLR for three reads costs 100 + 1 + 2 + 4 ms, and one never ready gives
// up after 60 s.
func TestAwaitFLR(t *testing.T) {
	for _, c := range []struct {
		notReady  int
		ok        bool
		reads     int
		sleptOver uint64
	}{
		{0, true, 1, 0},
		{3, true, 4, 7_000_000},
		{1 << 30, false, 17, 0},
	} {
		b := &flrBus{notReady: c.notReady}
		assert.Equal(t, c.ok, guest.AwaitFLR(b), "%d polls not ready", c.notReady)
		assert.Equal(t, c.reads, b.reads, "%d polls not ready", c.notReady)
		if c.ok {
			assert.Equal(t, pcie.FLRDurationNs+c.sleptOver, b.slept, "%d polls not ready", c.notReady)
		} else {
			assert.Greater(t, b.slept, uint64(60_000_000_000))
		}
	}
}
