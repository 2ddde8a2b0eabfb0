package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// earlyDMA is an event oracle that reports nothing and counts the
// guest-memory accesses of members on a host the VM does not run on.
type earlyDMA struct{ n *int }

func (earlyDMA) Info() observe.OracleInfo { return observe.OracleInfo{Name: "early-dma-probe"} }

func (e earlyDMA) CheckEvent(p *observe.EventPass) {
	for _, a := range p.DMA {
		if a.Host != p.VMHost() {
			*e.n++
		}
	}
}

// TestRunBeforeResume_HypervisorResumesEarly: the clean case of a
// hypervisor that resumes the destination before the switchover is not
// vacuous: in some of its random schedules the destination serves the
// request the guest submitted before the migration, DMAing while the VM
// still runs on the source, and no-run-before-resume, keyed on the
// resume, reports none of them.
func TestRunBeforeResume_HypervisorResumesEarly(t *testing.T) {
	s, err := scenario.ParseScenario("planted.scn", []byte(resumeBeforeSwitchover))
	require.NoError(t, err)
	early, runs := 0, 0
	for seed := uint64(1); seed <= 40; seed++ {
		n := 0
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023),
				Oracles: []observe.Oracle{oracle.NoRunBeforeResume, earlyDMA{&n}}}, st)
		}, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 100_000})
		require.NoError(t, err)
		if res.Finding != nil {
			assert.NotEqual(t, "no-run-before-resume", res.Finding.Oracle, "seed %d: %s", seed, res.Finding.Message)
		}
		if n > 0 {
			early++
		}
		runs++
	}
	assert.Positive(t, early, "in some of %d runs the destination DMAs before the switchover", runs)
	t.Logf("%d of %d runs DMA on the destination before the switchover", early, runs)
}
