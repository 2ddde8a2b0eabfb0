package catalog

import (
	"fmt"
	"sort"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// OracleNames are the names `expect … violation NAME` accepts: every
// oracle a run can report (those docs/questions.md explains, the world's
// compatibility oracles and the engine's live), sorted.
func OracleNames() []string {
	seen := map[string]bool{engine.OracleLive: true, world.OracleAtomicLoad: true, world.OracleOneRunning: true}
	for name := range oracleMeaning {
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Vocabulary is the world's vocabulary with the oracle names: what a
// scenario is checked against.
func Vocabulary() *scenario.Vocabulary {
	v := world.Vocabulary()
	v.Oracles = OracleNames()
	return v
}

// CheckScenario checks a parsed scenario against the vocabulary
// (scenario.Check); the error is a *scenario.CheckError.
func CheckScenario(s *scenario.Scenario) error {
	return scenario.Check(s, Vocabulary())
}

// CheckTarget checks what a run of s under ed with knobs and settings
// needs beyond CheckScenario: the programs that run under ed, the knobs
// (key=value, each known, with a suggestion for a near miss) and the
// settings (on top of the scenario's).
func CheckTarget(s *scenario.Scenario, ed spec.Edition, knobs []string, settings []scenario.Arg) error {
	v := Vocabulary()
	if err := scenario.CheckEdition(s, v, ed); err != nil {
		return err
	}
	for _, k := range knobs {
		if err := scenario.CheckKnob(k); err != nil {
			return fmt.Errorf("--knob %s: %w", k, err)
		}
	}
	if err := v.CheckSettings(s.Settings, settings); err != nil {
		return fmt.Errorf("--set: %w", err)
	}
	return nil
}
