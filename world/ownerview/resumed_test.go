package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestRecordResumed: the host has resumed a member from the submission of
// a mode command that runs it (draft Active, virtio-1.4 stopped clear)
// until the successful completion of a stop, or the failure of that
// resume when no other is outstanding; a stop submitted but not completed
// leaves it resumed, an FLR that ends a stop does not resume it, and a PF
// FLR (Forget) forgets it.
func TestRecordResumed(t *testing.T) {
	const vf = 1
	draft := func(m spec.Mode) adminq.Command {
		return draftModeSet(vf, m)
	}
	stop14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{spec.DevModeFlagStopped}}
	run14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{0}}
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	ok := func(c adminq.Command) adminq.Completion { return adminq.Completion{Command: c} }
	failed := func(c adminq.Command) adminq.Completion {
		cp := adminq.Completion{Command: c}
		cp.Result.Status = spec.StatusEINVAL
		return cp
	}
	type step = recordStep
	submit := func(c adminq.Command) step { return func(r *Record, _ *engine.VTime) { r.Submitted(c) } }
	receive := func(cp adminq.Completion) step { return func(r *Record, _ *engine.VTime) { r.Received(vf, cp, true) } }
	startFLR := func(r *Record, _ *engine.VTime) { r.ObserveWrite(vf, flr, 0, false) }
	after := func(ns uint64) step { return func(_ *Record, now *engine.VTime) { *now += engine.VTime(ns) } }
	forget := func(r *Record, _ *engine.VTime) { r.Forget() }
	freeze, active := draft(spec.ModeFreeze), draft(spec.ModeActive)
	cases := []struct {
		name  string
		ed    spec.Edition
		steps []step
		want  bool
	}{
		{"never seen: Active by default", spec.Draft2023, nil, false},
		{"frozen", spec.Draft2023, []step{submit(freeze), receive(ok(freeze))}, false},
		{"resume submitted", spec.Draft2023, []step{submit(freeze), receive(ok(freeze)), submit(active)}, true},
		{"resume completed", spec.Draft2023, []step{submit(freeze), receive(ok(freeze)), submit(active), receive(ok(active))}, true},
		{"resume failed", spec.Draft2023, []step{submit(freeze), receive(ok(freeze)), submit(active), receive(failed(active))}, false},
		{"a failed resume with another outstanding", spec.Draft2023,
			[]step{submit(active), submit(active), receive(failed(active))}, true},
		{"stop submitted after a resume", spec.Draft2023, []step{submit(active), receive(ok(active)), submit(freeze)}, true},
		{"stop completed after a resume", spec.Draft2023,
			[]step{submit(active), receive(ok(active)), submit(freeze), receive(ok(freeze))}, false},
		{"stop failed after a resume", spec.Draft2023,
			[]step{submit(active), receive(ok(active)), submit(freeze), receive(failed(freeze))}, true},
		{"stop completed, resume outstanding", spec.Draft2023,
			[]step{submit(active), receive(ok(active)), submit(freeze), submit(active), receive(ok(freeze))}, true},
		{"a reserved mode refused after a resume", spec.Draft2023,
			[]step{submit(active), receive(ok(active)), submit(draft(7)), receive(failed(draft(7)))}, true},
		{"virtio-1.4: stopped, then running", spec.Virtio14, []step{submit(stop14), receive(ok(stop14)), submit(run14)}, true},
		{"virtio-1.4: stopped", spec.Virtio14, []step{submit(run14), receive(ok(run14)), submit(stop14), receive(ok(stop14))}, false},
		{"virtio-1.4: an FLR ends the stop", spec.Virtio14,
			[]step{submit(stop14), receive(ok(stop14)), startFLR, after(pcie.FLRDurationNs)}, false},
		{"a PF FLR forgets the resume", spec.Draft2023, []step{submit(active), receive(ok(active)), forget}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := replayRecord(t, tc.ed, []string{"mode-after-flr=running"}, tc.steps)
			if !ok {
				return
			}
			assert.Equal(t, tc.want, r.View(vf, true).Resumed)
		})
	}
}

// TestRecordResumed_Hashes: whether the host resumed a member is what an
// oracle judges with, not what decides the run: records that differ only
// in it have the same state hash and different judge hashes, so state
// pruning never merges a visit that would show no-run-before-resume
// something new.
func TestRecordResumed_Hashes(t *testing.T) {
	rules := spec.DefaultRules(spec.Draft2023)
	var now engine.VTime
	a := NewRecord(rulesEnv{movingEnv{testEnv{spec.Draft2023}, &now}, rules})
	b := NewRecord(rulesEnv{movingEnv{testEnv{spec.Draft2023}, &now}, rules})
	a.truth(1)
	b.truth(1).resumed = true
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NotEqual(t, a.JudgeHash(), b.JudgeHash())
}
