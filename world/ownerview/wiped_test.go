package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestRecordWiped: a member is wiped from the end of an FLR the host saw
// (not its start; under defer-flr, from the move to Active that carries a
// deferred one out) until a state write or load succeeds on it or a
// memory write reaches it; a failed write leaves it wiped, and records
// that differ only in it have the same state hash and different judge
// hashes.
func TestRecordWiped(t *testing.T) {
	const vf = 1
	draft := func(m spec.Mode) adminq.Command {
		return draftModeSet(vf, m)
	}
	ctxWrite := adminq.Command{Opcode: uint16(spec.DraftOpDevCtxWrite), Group: spec.GroupSRIOV, Member: vf}
	partsSet := adminq.Command{Opcode: uint16(spec.OpDevPartsSet), Group: spec.GroupSRIOV, Member: vf}
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	memWrite := pcie.TLP{Kind: pcie.MemWrite, Addr: 0x14, Data: []byte{1}}
	ok := func(c adminq.Command) adminq.Completion { return adminq.Completion{Command: c} }
	failed := func(c adminq.Command) adminq.Completion {
		cp := adminq.Completion{Command: c}
		cp.Result.Status = spec.StatusEINVAL
		return cp
	}
	type step = recordStep
	submit := func(c adminq.Command) step { return func(r *Record, _ *engine.VTime) { r.Submitted(c) } }
	receive := func(cp adminq.Completion) step { return func(r *Record, _ *engine.VTime) { r.Received(vf, cp, true) } }
	write := func(tlp pcie.TLP) step {
		return func(r *Record, _ *engine.VTime) { r.ObserveWrite(vf, tlp, 0x14, true) }
	}
	after := func(ns uint64) step { return func(_ *Record, now *engine.VTime) { *now += engine.VTime(ns) } }
	freeze, active := draft(spec.ModeFreeze), draft(spec.ModeActive)
	wrote := []step{submit(freeze), receive(ok(freeze)), submit(ctxWrite), receive(ok(ctxWrite))}
	wiped := append(wrote[:len(wrote):len(wrote)], write(flr), after(pcie.FLRDurationNs))
	cases := []struct {
		name  string
		ed    spec.Edition
		knobs []string
		steps []step
		want  bool
	}{
		{"never seen", spec.Draft2023, nil, nil, false},
		{"written", spec.Draft2023, nil, wrote, false},
		{"an FLR in progress", spec.Draft2023, nil, append(wrote[:len(wrote):len(wrote)], write(flr)), false},
		{"an FLR ended after the write", spec.Draft2023, nil, wiped, true},
		{"an FLR ended, mode kept", spec.Draft2023, []string{"mode-after-flr=keep"}, wiped, true},
		{"written again", spec.Draft2023, nil, append(wiped[:len(wiped):len(wiped)], submit(ctxWrite), receive(ok(ctxWrite))), false},
		{"a write that failed", spec.Draft2023, nil, append(wiped[:len(wiped):len(wiped)], submit(ctxWrite), receive(failed(ctxWrite))), true},
		{"a driver writes to it", spec.Draft2023, nil, append(wiped[:len(wiped):len(wiped)], write(memWrite)), false},
		{"a mode change", spec.Draft2023, nil, append(wiped[:len(wiped):len(wiped)], submit(active), receive(ok(active))), true},
		{"virtio-1.4: loaded, then an FLR", spec.Virtio14, nil,
			[]step{submit(partsSet), receive(ok(partsSet)), write(flr), after(pcie.FLRDurationNs)}, true},
		{"virtio-1.4: an FLR, then loaded", spec.Virtio14, nil,
			[]step{write(flr), after(pcie.FLRDurationNs), submit(partsSet), receive(ok(partsSet))}, false},
		{"defer-flr: held while frozen", spec.Draft2023, []string{"flr-vs-mode=defer-flr"}, wiped, false},
		{"defer-flr: carried out by the move to Active", spec.Draft2023, []string{"flr-vs-mode=defer-flr"},
			append(wiped[:len(wiped):len(wiped)], submit(active), receive(ok(active))), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := replayRecord(t, tc.ed, tc.knobs, tc.steps)
			if !ok {
				return
			}
			assert.Equal(t, tc.want, r.View(vf, true).Wiped)
		})
	}
	rules := spec.DefaultRules(spec.Draft2023)
	var now engine.VTime
	a := NewRecord(rulesEnv{movingEnv{testEnv{spec.Draft2023}, &now}, rules})
	b := NewRecord(rulesEnv{movingEnv{testEnv{spec.Draft2023}, &now}, rules})
	a.truth(vf)
	b.truth(vf).wiped = true
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NotEqual(t, a.JudgeHash(), b.JudgeHash())
}
