package guard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// before is the state every case starts from: two hosts, the VM on the
// first, one signal set, two guests running.
func before() State {
	return State{VM: 0, Hosts: 2, Signals: []string{"ready"}, Halted: []bool{false, false}, LanesIdle: true}
}

// panicOf runs f and returns the message it panicked with ("" for
// nothing): a string, or a member's breach (ContractError).
func panicOf(f func()) string {
	switch p := panicValue(f).(type) {
	case nil:
		return ""
	case *ContractError:
		return p.Error()
	default:
		return p.(string)
	}
}

// panicValue runs f and returns what it panicked with (nil for nothing).
func panicValue(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// TestContractError: the guard's panics of a member that broke the member
// contract — its mode changed on a step that does not declare the VM's
// modes, its backend (the disk, a net world's network) written by a step
// that does not declare it — are ContractErrors, which the engine marks
// (engine.MemberBreach); every other resource left out, and a backend
// only read, panics with a plain string: the world's own bug.
func TestContractError(t *testing.T) {
	arm := func() *Step {
		g := &Step{}
		g.Begin(engine.Step{Label: "vcpu0:mmio-write notify+4=0100", Footprint: engine.Writes(por.ResSignal("other"))})
		*g.Before() = before()
		g.Before().NetChecked = true
		g.Member(true, spec.ModeStop)
		return g
	}
	for _, tc := range []struct {
		name     string
		f        func(g *Step)
		contract bool
	}{
		{"the disk written", func(g *Step) { g.TouchW(por.ResDisk) }, true},
		{"the network moved", func(g *Step) {
			after := before()
			after.NetChecked, after.Net = true, 1
			g.End(&after)
		}, true},
		{"the mode changed", func(g *Step) { g.TouchVMMode(spec.Draft2023, 0, "src", 1, true, spec.ModeActive) }, true},
		{"the disk read", func(g *Step) { g.TouchR(por.ResDisk) }, false},
		{"the blame written", func(g *Step) { g.TouchW(por.ResBlame) }, false},
		{"a function written", func(g *Step) { g.TouchFunc(0, owner.Target(1)) }, false},
	} {
		p := panicValue(func() { tc.f(arm()) })
		require.NotNil(t, p, tc.name)
		_, breach := p.(engine.MemberBreach)
		assert.Equal(t, tc.contract, breach, "%s: %v", tc.name, p)
		if ce, ok := p.(*ContractError); ok {
			assert.Contains(t, ce.Error(), "world: ", tc.name)
		} else {
			assert.IsType(t, "", p, tc.name)
		}
	}
}

// TestEnd: a change outside events panics naming its resource unless the
// step declared writing it; nothing changed, nothing to declare.
func TestEnd(t *testing.T) {
	tests := []struct {
		name   string
		change func(*State)
		res    engine.Resource
		// what the panic names ("" when the change needs no declaration)
		what string
	}{
		{"nothing", func(*State) {}, por.ResBlame, ""},
		{"the VM moves", func(s *State) { s.VM = 1 }, por.ResVM, "write of the VM's host"},
		{"a host is made", func(s *State) { s.Hosts = 3 }, por.ResHosts, "write of the hosts"},
		{"a write is put in flight", func(s *State) { s.LanesIdle = false }, por.ResAll, "write of everything"},
		{"the blame", func(s *State) { s.Blame = "hv" }, por.ResBlame, "write of the blame"},
		{"a vCPU halts", func(s *State) { s.Halted = []bool{false, true} }, por.ResGuest(por.ClassHalt, 1), "write of"},
		{"a host fails", func(s *State) { s.Failed[1] = true }, por.ResHost(por.ClassFailed, 1), "write of"},
		{"a signal is set", func(s *State) { s.Signals = []string{"go", "ready"} }, por.ResSignal("go"), "write of"},
		{"the network moves", func(s *State) { s.Net = 7 }, por.ResDisk, "write of the disk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, declared := range []bool{false, true} {
				var g Step
				fp := engine.Writes(por.ResSignal("other"))
				if declared {
					fp = engine.Writes(tt.res)
				}
				g.Begin(engine.Step{Label: "vcpu0:step", Footprint: fp})
				*g.Before() = before()
				g.Before().NetChecked = true
				after := before()
				after.NetChecked = true
				tt.change(&after)
				msg := panicOf(func() { g.End(&after) })
				if declared || tt.what == "" {
					assert.Empty(t, msg)
					assert.False(t, g.On(), "End disarms the guard")
					continue
				}
				assert.Contains(t, msg, `footprint of "vcpu0:step"`)
				assert.Contains(t, msg, "does not declare the "+tt.what)
			}
		})
	}
}

// TestTouch: a touch needs the resource declared (a read is covered by a
// write; everything by ResAll), a function needs it or its whole group,
// and a host the step created is its own. Unarmed, nothing panics.
func TestTouch(t *testing.T) {
	var g Step
	g.Begin(engine.Step{Label: "hv:step", Footprint: engine.NewFootprint([]engine.Resource{por.ResDisk}, []engine.Resource{por.ResHost(por.ClassGroup, 0)})})
	*g.Before() = before()
	assert.Empty(t, panicOf(func() { g.TouchR(por.ResDisk) }))
	assert.Contains(t, panicOf(func() { g.TouchW(por.ResDisk) }), "does not declare the write of the disk")
	assert.Empty(t, panicOf(func() { g.TouchFunc(0, owner.Target(3)) }), "the group covers its functions")
	assert.Contains(t, panicOf(func() { g.TouchFunc(1, owner.Target(3)) }), "does not declare the write of")
	assert.Empty(t, panicOf(func() { g.TouchW(por.ResHost(por.ClassTruth, 2)) }), "host 2 did not exist before the step")
	same := before()
	g.End(&same)
	assert.Empty(t, panicOf(func() { g.TouchW(por.ResDisk) }), "unarmed")

	g.Begin(engine.Step{Label: "hv:all", Footprint: engine.Writes(por.ResAll)})
	*g.Before() = before()
	assert.Empty(t, panicOf(func() { g.TouchW(por.ResHost(por.ClassTruth, 1)) }))
}

// TestMember: a member event's target compared before and after it.
func TestMember(t *testing.T) {
	var g Step
	g.Member(true, spec.ModeActive)
	assert.False(t, g.MemberChanged(true, spec.ModeActive))
	assert.True(t, g.MemberChanged(true, spec.ModeStop))
	assert.True(t, g.MemberChanged(false, 0))
	g.Member(false, 0)
	assert.True(t, g.MemberChanged(true, spec.ModeActive), "built by the event")
}

// TestTouchVMMode: a member whose mode changed on a step that does not
// declare the VM's modes breaks the member contract, and the panic says
// so with the member, both modes and the step; declared, or unarmed,
// nothing panics.
func TestTouchVMMode(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ed       spec.Edition
		fp       engine.Footprint
		built    bool
		mode     spec.Mode
		want     string
		declared bool
	}{
		{"mode changed, undeclared", spec.Draft2023, engine.Writes(por.ResDisk), true, spec.ModeActive,
			MemberContract + `src.vf1 changed its mode from Stop to Active on "vcpu0:mmio-write device_status=00"`, false},
		{"mode changed, undeclared, virtio-1.4's names", spec.Virtio14, engine.Writes(por.ResDisk), true, spec.ModeActive,
			MemberContract + `src.vf1 changed its mode from stopped to running on "vcpu0:mmio-write device_status=00"`, false},
		{"member gone, undeclared", spec.Draft2023, engine.Writes(por.ResDisk), false, spec.ModeActive,
			MemberContract + "src.vf1 went from built=true to built=false", false},
		{"declared", spec.Virtio14, engine.Writes(por.ResHost(por.ClassVMMode, 0)), true, spec.ModeActive, "", true},
		{"another host's modes declared", spec.Draft2023, engine.Writes(por.ResHost(por.ClassVMMode, 1)), true, spec.ModeActive,
			MemberContract + "src.vf1 changed its mode", false},
	} {
		var g Step
		g.Begin(engine.Step{Label: "vcpu0:mmio-write device_status=00", Footprint: tc.fp})
		*g.Before() = before()
		g.Member(true, spec.ModeStop)
		require.True(t, g.MemberChanged(tc.built, tc.mode), tc.name)
		msg := panicOf(func() { g.TouchVMMode(tc.ed, 0, "src", 1, tc.built, tc.mode) })
		if tc.declared {
			assert.Empty(t, msg, tc.name)
			continue
		}
		assert.Contains(t, msg, "world: "+tc.want, tc.name)
		assert.Contains(t, msg, "which only the owner's mode commands and an FLR do "+FootprintNote, tc.name)
	}
	var g Step
	assert.Empty(t, panicOf(func() { g.TouchVMMode(spec.Virtio14, 0, "src", 1, true, spec.ModeActive) }), "unarmed")
}

// TestMayWrite_Remembered: what the guard remembers of the resources it
// found (one write, one read) answers only for them and only within the
// step: a resource read is not written, one step's resources are not the
// next step's, and a footprint that writes everything allows every write.
func TestMayWrite_Remembered(t *testing.T) {
	mem, blame, vm := por.ResMem(0, false), por.ResBlame, por.ResVM
	var g Step
	g.Begin(engine.Step{Label: "a", Footprint: engine.NewFootprint([]engine.Resource{vm}, []engine.Resource{mem})})
	*g.Before() = before()
	for range 2 {
		assert.True(t, g.MayWrite(mem))
		assert.True(t, g.MayRead(mem))
		assert.True(t, g.MayRead(vm))
		assert.False(t, g.MayWrite(vm), "read, not written")
		assert.False(t, g.MayWrite(blame))
		assert.False(t, g.MayRead(blame))
	}
	g.Begin(engine.Step{Label: "b", Footprint: engine.Writes(blame)})
	*g.Before() = before()
	assert.False(t, g.MayWrite(mem), "the last step's write")
	assert.False(t, g.MayRead(vm), "the last step's read")
	assert.True(t, g.MayWrite(blame))
	g.Begin(engine.Step{Label: "c", Footprint: por.FPAll})
	*g.Before() = before()
	assert.True(t, g.MayWrite(mem))
	assert.True(t, g.MayWrite(vm))
}
