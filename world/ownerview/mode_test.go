package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestRecordMode: Mode is the mode the host last set the member in, as
// View says it: a mode command counts once its completion was received
// with status OK (not when submitted, not when it failed), an FLR's end
// gives the mode mode-after-flr says (running: Active, unless defer-flr
// holds a quiesced member), and a member the record never saw is Active.
func TestRecordMode(t *testing.T) {
	const vf = 1
	draftCmd := func(m spec.Mode) adminq.Command {
		return draftModeSet(vf, m)
	}
	stop14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{spec.DevModeFlagStopped}}
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	ok := func(c adminq.Command) adminq.Completion { return adminq.Completion{Command: c} }
	failed := func(c adminq.Command) adminq.Completion {
		cp := adminq.Completion{Command: c}
		cp.Result.Status = spec.StatusEINVAL
		return cp
	}
	type step = recordStep
	submit := func(c adminq.Command) step { return func(r *Record, _ *engine.VTime) { r.Submitted(c) } }
	receive := func(cp adminq.Completion) step {
		return func(r *Record, _ *engine.VTime) { r.Received(vf, cp, true) }
	}
	startFLR := func(r *Record, _ *engine.VTime) { r.ObserveWrite(vf, flr, 0, false) }
	after := func(ns uint64) step { return func(_ *Record, now *engine.VTime) { *now += engine.VTime(ns) } }
	cases := []struct {
		name  string
		ed    spec.Edition
		knobs []string
		steps []step
		want  spec.Mode
	}{
		{"never seen", spec.Draft2023, nil, nil, spec.ModeActive},
		{"freeze submitted, not completed", spec.Draft2023, nil, []step{submit(draftCmd(spec.ModeFreeze))}, spec.ModeActive},
		{"freeze completed", spec.Draft2023, nil,
			[]step{submit(draftCmd(spec.ModeFreeze)), receive(ok(draftCmd(spec.ModeFreeze)))}, spec.ModeFreeze},
		{"freeze failed", spec.Draft2023, nil,
			[]step{submit(draftCmd(spec.ModeFreeze)), receive(failed(draftCmd(spec.ModeFreeze)))}, spec.ModeActive},
		{"stop completed", spec.Virtio14, nil, []step{submit(stop14), receive(ok(stop14))}, spec.ModeStop},
		{"stop, FLR in progress", spec.Virtio14, []string{"mode-after-flr=running"},
			[]step{submit(stop14), receive(ok(stop14)), startFLR, after(pcie.FLRDurationNs - 1)}, spec.ModeStop},
		{"stop, FLR over: running", spec.Virtio14, []string{"mode-after-flr=running"},
			[]step{submit(stop14), receive(ok(stop14)), startFLR, after(pcie.FLRDurationNs)}, spec.ModeActive},
		{"stop, FLR over: keep", spec.Virtio14, []string{"mode-after-flr=keep"},
			[]step{submit(stop14), receive(ok(stop14)), startFLR, after(pcie.FLRDurationNs)}, spec.ModeStop},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := replayRecord(t, tc.ed, tc.knobs, tc.steps)
			if !ok {
				return
			}
			assert.Equal(t, tc.want, r.Mode(vf), "Mode")
			assert.Equal(t, tc.want, r.View(vf, true).Mode, "View's Mode")
		})
	}
}

// rulesEnv is movingEnv under chosen knobs.
type rulesEnv struct {
	movingEnv
	rules spec.Rules
}

func (e rulesEnv) Rules() spec.Rules { return e.rules }
