package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// msixCtl writes the MSI-X capability's Message Control: Enable (bit 15)
// and Function Mask (bit 14).
func (g *rig) msixCtl(enable, fnMask bool) {
	var hi byte
	if enable {
		hi |= byte(pcie.MSIXCtlEnable >> 8)
	}
	if fnMask {
		hi |= byte(pcie.MSIXCtlFunctionMask >> 8)
	}
	g.cfgWrite(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, []byte{0, hi})
}

// cfgRead reads n bytes at offset off of the member's configuration space.
func (g *rig) cfgRead(off uint64, n int) []byte {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 0x0001, Addr: off, Len: n}}).ReadData
}

// entryMask writes entry v's Vector Control: bit 0 masks it.
func (g *rig) entryMask(v uint16, masked bool) {
	ctl := []byte{0, 0, 0, 0}
	if masked {
		ctl[0] = 1
	}
	g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, ctl)
}

// pendingBit reads entry v's bit of the PBA.
func (g *rig) pendingBit(v uint16) bool {
	return binary.LittleEndian.Uint64(g.read(pcie.BAR0MSIXPBA, 8))>>v&1 != 0
}

// TestMSIXEnableAndFunctionMask: MSI-X Enable and Function Mask govern
// every message (PCI Express Base, "MSI-X Capability and Table
// Structure"): none while Enable is 0 (the signal is dropped: a VF has no
// INTx, and pending bits belong to masked vectors of an enabled function),
// none while Function Mask is 1 (the vector's pending bit is set instead),
// and a pending vector is sent once neither its entry nor the function is
// masked and MSI-X is enabled, not while the member is stopped (then when
// it runs again, as PCI-DEV-04's entry unmasked while stopped). Each case
// signals queue 0's vector once (a request completed) among its steps.
func TestMSIXEnableAndFunctionMask(t *testing.T) {
	type step func(g *rig, gu *guest, qv uint16)
	ctl := func(enable, fnMask bool) step { return func(g *rig, _ *guest, _ uint16) { g.msixCtl(enable, fnMask) } }
	entry := func(masked bool) step { return func(g *rig, _ *guest, qv uint16) { g.entryMask(qv, masked) } }
	signal := func(g *rig, gu *guest, _ uint16) {
		gu.submit(0, tOut, 0, pattern(1, 512), 512)
		gu.kick(0)
		g.run(-1)
	}
	mode := func(m spec.Mode) step {
		return func(g *rig, _ *guest, _ uint16) {
			require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			g.run(-1)
		}
	}
	tests := []struct {
		name    string
		steps   []step
		sent    int
		pending bool
	}{
		{"enabled, unmasked: sent", []step{signal}, 1, false},
		{"disabled: dropped, not pending", []step{ctl(false, false), signal}, 0, false},
		{"disabled then enabled: the dropped signal stays dropped", []step{ctl(false, false), signal, ctl(true, false)}, 0, false},
		{"function masked: pending", []step{ctl(true, true), signal}, 0, true},
		{"function mask cleared: the pending message is sent", []step{ctl(true, true), signal, ctl(true, false)}, 1, false},
		{"function mask cleared with the entry masked: still pending", []step{ctl(true, true), entry(true), signal, ctl(true, false)}, 0, true},
		{"then the entry unmasked: sent", []step{ctl(true, true), entry(true), signal, ctl(true, false), entry(false)}, 1, false},
		{"entry unmasked while the function is masked: still pending", []step{entry(true), signal, ctl(true, true), entry(false)}, 0, true},
		{"then the function unmasked: sent", []step{entry(true), signal, ctl(true, true), entry(false), ctl(true, false)}, 1, false},
		{"function mask and enable cleared together: pending until enabled", []step{ctl(true, true), signal, ctl(false, false)}, 0, true},
		{"then enabled: sent", []step{ctl(true, true), signal, ctl(false, false), ctl(true, false)}, 1, false},
		{"function mask cleared while stopped: held until the member runs", []step{ctl(true, true), signal, mode(spec.ModeStop), ctl(true, false)}, 0, true},
		{"then resumed: sent", []step{ctl(true, true), signal, mode(spec.ModeStop), ctl(true, false), mode(spec.ModeActive)}, 1, false},
		{"resumed with the function still masked: pending", []step{ctl(true, true), signal, mode(spec.ModeStop), mode(spec.ModeActive)}, 0, true},
	}
	for _, e := range spec.Editions {
		for _, tc := range tests {
			g, gu := liveRig(t, e, spec.DefaultRules(e))
			qv := g.in.Queue(0).Vector
			g.irqs = nil
			for _, s := range tc.steps {
				s(g, gu, qv)
			}
			sent := 0
			for _, m := range g.irqs { // a resume may notify a config change too
				if m.Vector == qv {
					sent++
				}
			}
			assert.Equal(t, tc.sent, sent, "%s %s: messages sent", e, tc.name)
			assert.Equal(t, tc.pending, g.pendingBit(qv), "%s %s: queue 0's pending bit", e, tc.name)
		}
	}
}

// TestFLRResetsMSIXControl: an FLR returns MSI-X Enable and Function Mask
// to 0 with every entry masked (PCI-DEV-05), and a pending bit set while
// the function was masked is gone: after the FLR nothing is sent until
// the guest programs the function again.
func TestFLRResetsMSIXControl(t *testing.T) {
	for _, e := range spec.Editions {
		g, gu := liveRig(t, e, spec.DefaultRules(e))
		qv := g.in.Queue(0).Vector
		g.msixCtl(true, true)
		gu.submit(0, tOut, 0, pattern(1, 512), 512)
		gu.kick(0)
		g.run(-1)
		require.True(t, g.pendingBit(qv), "%s: signalled while function-masked", e)
		g.flr()
		g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
		g.run(-1)
		ctl := binary.LittleEndian.Uint16(g.cfgRead(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2))
		assert.Zero(t, ctl&(pcie.MSIXCtlEnable|pcie.MSIXCtlFunctionMask), "%s: Message Control %#x after the FLR", e, ctl)
		assert.False(t, g.pendingBit(qv), "%s: pending bit after the FLR", e)
		for v := range uint16(g.in.MSIXLen()) {
			assert.Equal(t, []byte{1, 0, 0, 0}, g.read(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, 4), "%s: entry %d masked after the FLR", e, v)
		}
		g.irqs = nil
		g.msixCtl(true, false)
		assert.Empty(t, g.irqs, "%s: enabling MSI-X after the FLR sends nothing", e)
	}
}
