package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestRecordStateHash: what the hypervisor can read of a member (a
// command outstanding, a mode, an FLR in progress) changes the record's
// hash; what only the oracles keep (the size-query watch) does not, so a
// guest's write and a hypervisor's doorbell that commute leave the same
// hash in either order. Every change, also of what only the oracles keep,
// changes the judge hash.
func TestRecordStateHash(t *testing.T) {
	const vf = 1
	size, stop, doorbell, flr := memberInputs(vf)
	for _, c := range []struct {
		name    string
		do      func(r *Record)
		changes bool
	}{
		{"a size query outstanding", func(r *Record) { r.Submitted(size) }, true},
		{"a stop completed", func(r *Record) { r.Submitted(stop); r.Received(vf, adminq.Completion{Command: stop}, true) }, true},
		{"an FLR started", func(r *Record) { r.ObserveWrite(vf, flr, 0, false) }, true},
		{"a doorbell", func(r *Record) { r.ObserveWrite(vf, doorbell, 0, false) }, false},
		{"a notification", func(r *Record) { r.ObserveNotify(vf) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := NewRecord(testEnv{spec.Virtio14})
			r.Submitted(size) // a size watch is on: doorbells mark it
			before, judgeBefore := r.StateHash(), r.JudgeHash()
			assert.Equal(t, judgeBefore, r.JudgeHash(), "hashing changes nothing")
			assert.Equal(t, before, r.StateHash(), "hashing changes nothing")
			c.do(r)
			if c.changes {
				assert.NotEqual(t, before, r.StateHash())
			} else {
				assert.Equal(t, before, r.StateHash())
			}
			// The judge hash covers the whole record: what the oracles
			// keep changes it too.
			assert.NotEqual(t, judgeBefore, r.JudgeHash())
		})
	}
}

// clockEnv is testEnv at a chosen time.
type clockEnv struct {
	testEnv
	now engine.VTime
}

func (e clockEnv) Now() engine.VTime { return e.now }

// TestRecordStateHash_FLRStart: while an FLR is in progress, when it began
// is part of the hash (Settle ends it once the clock is 100 ms later);
// records whose FLRs began at different times hash apart.
func TestRecordStateHash_FLRStart(t *testing.T) {
	const vf = 1
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	hashAt := func(now engine.VTime) uint64 {
		r := NewRecord(clockEnv{testEnv{spec.Virtio14}, now})
		r.ObserveWrite(vf, flr, 0, false)
		return r.StateHash()
	}
	assert.NotEqual(t, hashAt(1_000), hashAt(2_000))
	assert.Equal(t, hashAt(1_000), hashAt(1_000))
}

// movingEnv is testEnv with a clock the test moves.
type movingEnv struct {
	testEnv
	now *engine.VTime
}

func (e movingEnv) Now() engine.VTime { return *e.now }

// TestRecordReadsChangeNothing: reading the record (View, Mode, Resetting,
// Auditable, AnyAuditable) of a member it knows and of one it never saw
// changes neither the record nor its hash, also once an FLR's 100 ms have
// passed: what the record holds never depends on whether an oracle read it
// (a dfs search leaves the event oracles out on replayed steps). The reads
// already see the FLR over; Settle, which the world calls when its clock
// moves, then ends it in the record.
func TestRecordReadsChangeNothing(t *testing.T) {
	const vf, unseen = 1, 2
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	var now engine.VTime
	r := NewRecord(movingEnv{testEnv{spec.Virtio14}, &now})
	r.ObserveWrite(vf, flr, 0, false)
	reads := []struct {
		name string
		read func()
	}{
		{"view", func() { r.View(vf, true); r.View(unseen, true) }},
		{"mode", func() { r.Mode(vf); r.Mode(unseen) }},
		{"resetting", func() { r.Resetting(vf); r.Resetting(unseen) }},
		{"auditable", func() { r.Auditable(vf, true); r.Auditable(unseen, true) }},
		{"any auditable", func() { r.AnyAuditable(func(int) bool { return true }) }},
	}
	for _, at := range []engine.VTime{0, engine.VTime(pcie.FLRDurationNs) + 1} {
		now = at
		for _, rd := range reads {
			before, members := r.StateHash(), len(r.members)
			rd.read()
			assert.Equal(t, before, r.StateHash(), "%s at %s", rd.name, at)
			assert.Len(t, r.members, members, "%s at %s", rd.name, at)
		}
	}
	assert.False(t, r.View(vf, true).FLR, "100 ms later the FLR is over")
	assert.False(t, r.Resetting(vf))
	before := r.StateHash()
	r.Settle()
	assert.NotEqual(t, before, r.StateHash(), "Settle ends it in the record")
	assert.False(t, r.View(vf, true).FLR)
	settled := r.StateHash()
	r.Settle()
	assert.Equal(t, settled, r.StateHash(), "settling twice changes nothing")
}

// memberInputs returns what the record tests feed member vf's record: a
// size query, a stop, a doorbell write and an FLR started by a
// configuration write.
func memberInputs(vf int) (size, stop adminq.Command, doorbell, flr pcie.TLP) {
	size = adminq.Command{Opcode: uint16(spec.OpDevPartsMetadataGet), Group: spec.GroupSRIOV, Member: uint64(vf),
		Data: append(make([]byte, 8), byte(spec.MetadataSize), 0, 0, 0, 0, 0, 0, 0)}
	stop = adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: uint64(vf),
		Data: []byte{spec.DevModeFlagStopped}}
	doorbell = pcie.TLP{Kind: pcie.MemWrite, Addr: 0x3000, Data: []byte{0, 0}}
	flr = pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	return size, stop, doorbell, flr
}
