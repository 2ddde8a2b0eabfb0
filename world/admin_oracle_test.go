package world

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// sideEffectOnFailure is a wrapper device whose failed DEV_MODE_SET still
// stops the device: a draft-2023 mode outside 0..2 is rejected with EINVAL
// (correct) but the wrapper then applies a Stop anyway (the bug).
type sideEffectOnFailure struct {
	member.Device
}

func (d *sideEffectOnFailure) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet) && len(ev.Admin.Data) > 0 && ev.Admin.Data[0] > 2 {
		stop := make([]byte, 8)
		stop[0] = byte(spec.ModeStop)
		d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: ev.Admin.Tag + 1<<32, Opcode: ev.Admin.Opcode, Data: stop}})
	}
	return fx
}

// TestAdminStatusOracle: a hypervisor asks for mode 7 (reserved); the device
// answers EINVAL/INVALID_FIELD, which the flow reports as a named error; a
// device that also changed its mode on the way is caught by admin-status.
func TestAdminStatusOracle(t *testing.T) {
	const text = `scenario bad-mode
vfs 1
guest vcpu0
  probe
hypervisor edition=draft-2023
  await probed
  mode src 7
`
	s, err := scenario.ParseScenario("bad-mode.scn", []byte(text)) // the guest signals below
	require.NoError(t, err)
	s.Actors[0].Ops = append(s.Actors[0].Ops, scenario.Op{Verb: "signal", Args: []scenario.Arg{{Value: "probed"}}})
	run := func(f member.Factory) *engine.Finding {
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023), Factory: f}, st)
		}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
		require.NoError(t, err)
		return res.Finding
	}
	f := run(blk.New)
	require.NotNil(t, f)
	assert.Equal(t, "error:EINVAL/INVALID_FIELD", f.Oracle, f.Message)
	f = run(func(c member.Config) member.Device { return &sideEffectOnFailure{blk.New(c)} })
	require.NotNil(t, f)
	assert.Equal(t, "admin-status", f.Oracle, f.Message)
	assert.Contains(t, f.Reqs, "ADM-DEV-03")
	assert.Contains(t, f.Message, "failed EINVAL/INVALID_FIELD but changed the member")
}
