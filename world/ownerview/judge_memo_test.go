package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestJudgeMemo_EveryWriterForgets: after every method that writes a
// member's record, in one sequence that reaches each of them, JudgeHash
// (with the members' memos) equals FreshJudgeHash (from the records
// alone), and each write changes the judge hash; a planted writer that
// changes a record without forgetting its memo is caught by the same
// comparison.
func TestJudgeMemo_EveryWriterForgets(t *testing.T) {
	const vf = 1
	size, stop, doorbell, flr := memberInputs(vf)
	reset := pcie.TLP{Kind: pcie.MemWrite, Addr: pcie.BAR0CommonCfg + uint64(spec.CfgDeviceStatus), Data: []byte{0}}
	var now engine.VTime
	r := NewRecord(movingEnv{testEnv{spec.Virtio14}, &now})
	for _, c := range []struct {
		name string
		do   func()
	}{
		{"a size query submitted", func() { r.Submitted(size) }},
		{"a write while the size is watched", func() { r.ObserveWrite(vf, doorbell, 0, false) }},
		{"a notification while the size is watched", func() { r.ObserveNotify(vf) }},
		{"the size received", func() {
			r.Received(vf, adminq.Completion{Command: size, Result: adminq.Result{Data: make([]byte, 8)}}, true)
		}},
		{"a stop submitted", func() { r.Submitted(stop) }},
		{"the stop received", func() { r.Received(vf, adminq.Completion{Command: stop}, true) }},
		{"an answer's digest", func() { r.Answered(vf, 0x1234) }},
		{"an FLR started", func() { r.ObserveWrite(vf, flr, 0, false) }},
		{"the FLR settled", func() { now += engine.VTime(pcie.FLRDurationNs) + 1; r.Settle() }},
		{"a reset started", func() { r.ObserveWrite(vf, reset, uint64(spec.CfgDeviceStatus), true) }},
		{"the reset ended", func() { r.ObserveStatusRead(vf) }},
		{"another member", func() {
			r.Submitted(adminq.Command{Opcode: stop.Opcode, Group: stop.Group, Member: vf + 1, Data: stop.Data})
		}},
		{"the group gone", func() { r.Forget() }},
	} {
		before := r.JudgeHash()
		c.do()
		assert.Equal(t, r.FreshJudgeHash(), r.JudgeHash(), "%s: the memos describe the records", c.name)
		assert.NotEqual(t, before, r.JudgeHash(), "%s changes the judge hash", c.name)
	}

	// A planted writer that skips the memo.
	r.Submitted(size)
	r.JudgeHash()
	r.members[vf].resets++
	assert.NotEqual(t, r.FreshJudgeHash(), r.JudgeHash(), "a write that keeps the memo is caught")
}

// TestJudgeMemo_CopyCarriesIt: a copy of a record (as a copy of the world
// makes) carries each member's memo with the fields it describes: the
// copy's judge hash is its fresh one, and the copy and the original change
// apart.
func TestJudgeMemo_CopyCarriesIt(t *testing.T) {
	const vf = 1
	stop := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf,
		Data: []byte{spec.DevModeFlagStopped}}
	r := NewRecord(testEnv{spec.Virtio14})
	r.Submitted(stop)
	before := r.JudgeHash()
	c := &Record{env: r.env, members: map[int]*memberTruth{}}
	for k, m := range r.members {
		cp := *m
		c.members[k] = &cp
	}
	assert.Equal(t, before, c.JudgeHash())
	c.Received(vf, adminq.Completion{Command: stop}, true)
	assert.Equal(t, c.FreshJudgeHash(), c.JudgeHash())
	assert.NotEqual(t, before, c.JudgeHash())
	assert.Equal(t, before, r.JudgeHash(), "the original keeps its own")
	assert.Equal(t, r.FreshJudgeHash(), r.JudgeHash())
}
