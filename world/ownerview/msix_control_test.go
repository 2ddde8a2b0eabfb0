package ownerview

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestMSIXControl: MSIXTargetOf says how MSI-X Enable and Function Mask
// stood as configuration writes to the capability's Message Control left
// them (any write that covers its high byte: a word at Message Control, a
// dword at the capability), 0 until one sets them; an FLR resets them and
// the entries once the host knows it over (100 ms after Initiate FLR; with
// flr-vs-mode=defer-flr on a stopped member, at the completed move to
// Active), and a table write after it ends AfterFLR.
func TestMSIXControl(t *testing.T) {
	const vf, addr, data = 1, 0xfee0_0000, 0x41
	ctl := func(enable, fnMask bool) []byte {
		var hi byte
		if enable {
			hi |= byte(pcie.MSIXCtlEnable >> 8)
		}
		if fnMask {
			hi |= byte(pcie.MSIXCtlFunctionMask >> 8)
		}
		return []byte{0, hi}
	}
	type step = recordStep
	cfg := func(off uint64, b []byte) step {
		return func(r *Record, _ *engine.VTime) {
			r.ObserveWrite(vf, pcie.TLP{Kind: pcie.CfgWrite, Addr: off, Data: b}, 0, false)
		}
	}
	msgCtl := func(enable, fnMask bool) step { return cfg(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, ctl(enable, fnMask)) }
	entry := func(r *Record, _ *engine.VTime) { // entry 1, unmasked
		base := uint64(pcie.BAR0MSIXTable + pcie.MSIXEntrySize)
		r.ObserveMSIXWrite(vf, base, binary.LittleEndian.AppendUint64(nil, addr))
		r.ObserveMSIXWrite(vf, base+8, binary.LittleEndian.AppendUint32(nil, data))
		r.ObserveMSIXWrite(vf, base+12, []byte{0, 0, 0, 0})
	}
	flr := cfg(pcie.PCIeCapOffset+pcie.PCIeDevCtl, []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)})
	after := func(ns uint64) step {
		return func(r *Record, now *engine.VTime) { *now += engine.VTime(ns); r.Settle() }
	}
	stop14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{spec.DevModeFlagStopped}}
	run14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{0}}
	mode := func(c adminq.Command) step {
		return func(r *Record, _ *engine.VTime) { r.Submitted(c); r.Received(vf, adminq.Completion{Command: c}, true) }
	}
	live := []step{entry, msgCtl(true, false)}
	with := func(steps ...step) []step { return append(append([]step(nil), live...), steps...) }
	found := MSIXTarget{Entry: 1}
	cases := []struct {
		name  string
		knobs []string
		steps []step
		want  MSIXTarget
	}{
		{"nothing written: disabled", nil, nil, MSIXTarget{Entry: -1, Disabled: true}},
		{"table written, never enabled", nil, []step{entry}, MSIXTarget{Entry: 1, Disabled: true}},
		{"enabled", nil, live, found},
		{"enabled by a dword at the capability", nil, []step{entry, cfg(pcie.MSIXCapOffset, []byte{0x11, 0, 0, 0x80})}, found},
		{"a byte below Message Control's high byte changes nothing", nil, with(cfg(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, []byte{0})), found},
		{"function masked", nil, with(msgCtl(true, true)), MSIXTarget{Entry: 1, FunctionMasked: true}},
		{"function unmasked again", nil, with(msgCtl(true, true), msgCtl(true, false)), found},
		{"disabled again", nil, with(msgCtl(false, false)), MSIXTarget{Entry: 1, Disabled: true}},
		{"FLR in progress: the function may not have reset yet", nil, with(flr, after(pcie.FLRDurationNs-1)), found},
		{"FLR over: reset", nil, with(flr, after(pcie.FLRDurationNs)), MSIXTarget{Entry: -1, Disabled: true, AfterFLR: true}},
		{"enabled after the FLR, table not written", nil, with(flr, after(pcie.FLRDurationNs), msgCtl(true, false)), MSIXTarget{Entry: -1, AfterFLR: true}},
		{"programmed again after the FLR", nil, with(flr, after(pcie.FLRDurationNs), entry, msgCtl(true, false)), found},
		{"a write during the FLR is undone with it", nil, with(flr, msgCtl(true, true), after(pcie.FLRDurationNs)), MSIXTarget{Entry: -1, Disabled: true, AfterFLR: true}},
		{"defer-flr while stopped: not reset at 100 ms", []string{"flr-vs-mode=defer-flr"},
			with(mode(stop14), flr, after(pcie.FLRDurationNs)), found},
		{"defer-flr: reset at the move to Active", []string{"flr-vs-mode=defer-flr"},
			with(mode(stop14), flr, after(pcie.FLRDurationNs), mode(run14)), MSIXTarget{Entry: -1, Disabled: true, AfterFLR: true}},
		{"forgotten with the SR-IOV group", nil, with(func(r *Record, _ *engine.VTime) { r.Forget() }), MSIXTarget{Entry: -1, Disabled: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := replayRecord(t, spec.Virtio14, tc.knobs, tc.steps)
			if !ok {
				return
			}
			assert.Equal(t, tc.want, r.MSIXTargetOf(vf, addr, data))
		})
	}
}

// TestMSIXControlJudgeHash: Enable, Function Mask and an FLR's reset of
// the record are part of the judge hash, and the memo follows them.
func TestMSIXControlJudgeHash(t *testing.T) {
	write := func(r *Record, b byte) {
		r.ObserveWrite(1, pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.MSIXCapOffset + pcie.MSIXMsgCtl + 1, Data: []byte{b}}, 0, false)
	}
	seen := map[uint64]string{}
	for _, c := range []struct {
		name string
		b    byte
	}{{"disabled", 0}, {"enabled", 0x80}, {"function masked", 0xc0}, {"masked, disabled", 0x40}} {
		r := NewRecord(testEnv{spec.Virtio14})
		r.ObserveMSIXWrite(1, pcie.BAR0MSIXTable+12, []byte{0, 0, 0, 0})
		write(r, c.b)
		h := r.JudgeHash()
		assert.Equal(t, r.FreshJudgeHash(), h, c.name)
		assert.NotContains(t, seen, h, "%s hashes apart", c.name)
		seen[h] = c.name
	}
}
