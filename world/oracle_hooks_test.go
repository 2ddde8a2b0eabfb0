package world

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// probe is an oracle at every hook that records what the world hands it
// and reports nothing.
type probe struct {
	name                   string
	events, loads, flows   int
	finishes               int
	dma, irqs, completions int
	frozenCaptured         int
	lastLoad               observe.LoadPass
	flow                   observe.FlowPass
	finish                 observe.FinishPass
	guestLog               []string
}

func (p *probe) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: p.name, Doc: "records every hook"}
}

func (p *probe) CheckEvent(e *observe.EventPass) {
	p.events++
	p.dma += len(e.DMA)
	p.completions += len(e.Completed)
	for _, irq := range e.Interrupts {
		if irq.VF > 0 {
			p.irqs++
		}
	}
	for i := range e.Members {
		if _, known := e.Members[i].ContextChanged(); known && e.Members[i].Before.Mode == spec.ModeFreeze {
			p.frozenCaptured++
		}
	}
}

func (p *probe) CheckRejectedLoad(l *observe.LoadPass) { p.loads++; p.lastLoad = *l }
func (p *probe) CheckFlowEnd(f *observe.FlowPass)      { p.flows++; p.flow = *f }
func (p *probe) CheckFinish(f *observe.FinishPass) {
	p.finishes++
	p.finish = *f
	p.guestLog = f.GuestLog()
}

// eventOnly has only the event hook.
type eventOnly struct{ name string }

func (e eventOnly) Info() observe.OracleInfo    { return observe.OracleInfo{Name: e.name} }
func (eventOnly) CheckEvent(*observe.EventPass) {}

// infoOnly runs at no hook.
type infoOnly struct{}

func (infoOnly) Info() observe.OracleInfo { return observe.OracleInfo{Name: "info-only"} }

// reporter reports at the finish hook with the requirement IDs it is told.
type reporter struct{ reqs []string }

func (reporter) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "reporter", Reqs: []string{"DRAFT-FRZ-02", "DP-DEV-11", "ADM-DEV-02"}}
}

func (r reporter) CheckFinish(p *observe.FinishPass) {
	if r.reqs == nil {
		p.Report([]string{"a", "b", "a"}, "reported %d", 1)
		return
	}
	p.ReportReqs(r.reqs, []string{"a"}, "reported %s", "some")
}

func TestHooksOf(t *testing.T) {
	assert.Equal(t, []observe.Hook{observe.HookEvent, observe.HookRejectedLoad, observe.HookFlowEnd, observe.HookFinish}, observe.HooksOf(&probe{}))
	assert.Equal(t, []observe.Hook{observe.HookEvent}, observe.HooksOf(eventOnly{}))
	assert.Empty(t, observe.HooksOf(infoOnly{}))
	for _, h := range observe.Hooks {
		assert.NotEqual(t, string(h), h.Doc(), "hook %s has a doc", h)
	}
}

// TestNewWorldRejectsBadOracles: a nil oracle, one without a name or a
// hook, or a name given twice is an error naming it.
func TestNewWorldRejectsBadOracles(t *testing.T) {
	s, err := scenario.ParseScenario("smoke.scn", []byte(smokeScenario))
	require.NoError(t, err)
	cases := []struct {
		oracles []observe.Oracle
		want    string
	}{
		{[]observe.Oracle{nil}, "world: observe: oracle 0 is nil"},
		{[]observe.Oracle{eventOnly{}}, "has no name"},
		{[]observe.Oracle{eventOnly{"x"}, eventOnly{"x"}}, "world: observe: oracle x given twice"},
		{[]observe.Oracle{infoOnly{}}, "world: observe: oracle info-only runs at no hook"},
	}
	for _, c := range cases {
		_, err := NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023), Oracles: c.oracles}, engine.NewStreams(1))
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
}

// runProbed migrates the smoke scenario under ed with oracles and returns
// the finding.
func runProbed(t *testing.T, ed spec.Edition, ref []string, oracles ...observe.Oracle) (*engine.Finding, *World) {
	t.Helper()
	s, err := scenario.ParseScenario("smoke.scn", []byte(smokeScenario))
	require.NoError(t, err)
	var w *World
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), ReferenceLog: ref, Oracles: oracles}, st)
		return w, err
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
	require.NoError(t, err)
	return res.Finding, w
}

// TestHooksSeeTheRun: every hook runs, and the passes carry what happened:
// DMA and interrupts of the guest's requests, the admin commands the PF
// completed, contexts captured in Freeze (draft-2023), one flow end and
// one finish with the guest's log and the reference log.
func TestHooksSeeTheRun(t *testing.T) {
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			ref := []string{"reference"}
			p := &probe{name: "probe"}
			f, w := runProbed(t, ed, ref, p)
			require.Nil(t, f)
			assert.Positive(t, p.events)
			assert.Positive(t, p.dma, "the guest's requests are DMA")
			assert.Positive(t, p.irqs, "and interrupts from vf1")
			assert.Positive(t, p.completions, "the PF completed admin commands")
			if ed == spec.Draft2023 {
				assert.Positive(t, p.frozenCaptured, "contexts in Freeze are captured")
			}
			assert.Zero(t, p.loads, "no load was rejected")
			assert.Equal(t, 1, p.flows)
			assert.NoError(t, p.flow.Flow.Err)
			assert.Equal(t, "hv", p.flow.Flow.Actor)
			assert.Equal(t, "dst", p.flow.VMHost)
			require.Len(t, p.flow.Hosts, 2)
			assert.Equal(t, observe.HostState{Name: "src", Touched: true}, p.flow.Hosts[0])
			assert.Equal(t, observe.HostState{Name: "dst", Touched: true, Received: true}, p.flow.Hosts[1])
			assert.Equal(t, 1, p.finishes)
			assert.Equal(t, ref, p.finish.ReferenceLog)
			assert.Equal(t, []string{"vcpu0"}, p.finish.Guests)
			assert.Equal(t, w.GuestLog(), p.guestLog)
		})
	}
}

// TestReportStampsTheOracle: Report names the oracle, keeps the info's
// requirement IDs that apply to the edition and drops repeated actors;
// ReportReqs names the ones given.
func TestReportStampsTheOracle(t *testing.T) {
	cases := []struct {
		ed   spec.Edition
		reqs []string
		want []string
	}{
		{spec.Draft2023, nil, []string{"DRAFT-FRZ-02", "ADM-DEV-02"}},
		{spec.Virtio14, nil, []string{"DP-DEV-11", "ADM-DEV-02"}},
		{spec.Virtio14, []string{"DRAFT-FRZ-02"}, nil},
		{spec.Draft2023, []string{"ADM-DEV-02"}, []string{"ADM-DEV-02"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%v", c.ed, c.reqs), func(t *testing.T) {
			f, _ := runProbed(t, c.ed, nil, reporter{c.reqs})
			require.NotNil(t, f)
			assert.Equal(t, "reporter", f.Oracle)
			assert.Equal(t, c.want, f.Reqs)
			if c.reqs == nil {
				assert.Equal(t, []string{"a", "b"}, f.Actors)
				assert.Equal(t, "reported 1", f.Message)
			}
		})
	}
}

// TestRejectedLoadHook: a rejected load hands the load oracles the member
// before the load and after the rejection; a load that succeeds, or a
// world without load oracles, calls nothing.
func TestRejectedLoadHook(t *testing.T) {
	for _, ed := range spec.Editions {
		for _, c := range []struct {
			name           string
			mutate, reject bool
		}{{"untouched", false, true}, {"changed", true, true}, {"accepted", true, false}} {
			t.Run(ed.String()+"/"+c.name, func(t *testing.T) {
				s, err := scenario.ParseScenario("compat.scn", []byte("scenario compat\n"+compatGuest))
				require.NoError(t, err)
				p := &probe{name: "probe"}
				w, err := NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Oracles: []observe.Oracle{p}}, engine.NewStreams(1))
				require.NoError(t, err)
				defer w.Close()
				hd, err := w.hv.Host("dst")
				require.NoError(t, err)
				dst := hd.(*host)
				sr, ok := dst.pfCfg.SRIOV()
				require.True(t, ok)
				addr := sr.VFBAR0Addr(1) + pcie.BAR0CommonCfg + uint64(spec.CfgDeviceStatus)
				// A first access instantiates the member.
				w.deliver(dst, owner.Target(1), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead,
					Requester: hostRID, Addr: addr, Len: 1}}, "test")
				rejected := errors.New("rejected")
				err = w.hv.AtomicLoad(dst, 1, func() error {
					if c.mutate {
						w.deliver(dst, owner.Target(1), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite,
							Requester: hostRID, Addr: addr, Data: []byte{byte(spec.StatusAcknowledge)}}}, "test")
					}
					if c.reject {
						return rejected
					}
					return nil
				})
				if !c.reject {
					require.NoError(t, err)
					assert.Zero(t, p.loads)
					assert.True(t, w.hv.Received(dst.idx))
					return
				}
				assert.ErrorIs(t, err, rejected)
				require.Equal(t, 1, p.loads)
				l := p.lastLoad
				assert.ErrorIs(t, l.Err, rejected)
				assert.Equal(t, "hv", l.Who)
				assert.Equal(t, "dst.vf1", l.Member.Name())
				assert.True(t, l.Before.Present)
				assert.Equal(t, !c.mutate, l.Before == l.After)
				if c.mutate {
					assert.Equal(t, spec.StatusAcknowledge, l.After.Status.DeviceStatus)
				}
				assert.Nil(t, w.takeFinding(), "the probe reports nothing")
			})
		}
	}
}

// TestNoOraclesNoVerdictButTheFlowError: a world given no oracles judges
// nothing; a flow error is still its `error:NAME` verdict.
func TestNoOraclesNoVerdictButTheFlowError(t *testing.T) {
	f, _ := runProbed(t, spec.Draft2023, []string{"a log the run will not match"})
	assert.Nil(t, f, "no oracle compares the logs")
	s, err := scenario.ParseScenario("bad.scn", []byte(smokeScenario+"hypervisor\n  mode src sideways\n"))
	require.NoError(t, err)
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		return NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023)}, st)
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, "error:flow", res.Finding.Oracle)
	assert.Contains(t, res.Finding.Message, "bad.scn:9: mode:")
}
