package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
)

// OracleNames are the names `expect … violation NAME` accepts: the
// registry's oracles (oracle.Names), sorted.
func OracleNames() []string {
	names := oracle.Names()
	slices.Sort(names)
	return slices.Compact(names)
}

// Vocabulary is the world's vocabulary with the oracle names: what a
// scenario is checked against.
func Vocabulary() *scenario.Vocabulary {
	v := vocab.Vocabulary()
	v.Oracles = OracleNames()
	return v
}

// CheckScenario checks a parsed scenario against the vocabulary
// (scenario.Check; the error is a *scenario.CheckError), then that every
// expectation gives a VM the world can build (world/vocab.CheckVM).
func CheckScenario(s *scenario.Scenario) error {
	if err := scenario.Check(s, Vocabulary()); err != nil {
		return err
	}
	return vocab.CheckVM(s)
}

// parseAndCheck parses a scenario's text and checks it as CheckScenario
// does, with the problems of the syntax that leave the rest readable
// reported together with the check's (scenario.ParseAndCheck). The VM
// check (world/vocab.CheckVM) comes after them, as in CheckScenario: it
// needs the VF and queue counts and settings read and checked.
func parseAndCheck(file string, src []byte) (*scenario.Scenario, error) {
	s, err := scenario.ParseAndCheck(file, src, Vocabulary())
	if err != nil {
		return nil, err
	}
	if err := vocab.CheckVM(s); err != nil {
		return nil, err
	}
	return s, nil
}

// CheckTarget checks what a run of s under ed with knobs and settings
// needs beyond CheckScenario: the programs that run under ed (unless s
// expects n/a under ed), the knobs
// (key=value, each known, with a suggestion for a near miss) and the
// settings (on top of the scenario's).
func CheckTarget(s *scenario.Scenario, ed spec.Edition, knobs []string, settings []scenario.Arg) error {
	v := Vocabulary()
	// An edition the scenario expects n/a under runs to the operation it
	// lacks (checkNA): its programs are not that edition's.
	if !expectsNA(s, ed) {
		if err := scenario.CheckEdition(s, v, ed); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, k := range knobs {
		if err := scenario.CheckKnob(k); err != nil {
			return fmt.Errorf("--knob %s: %w", k, err)
		}
		// The last of two values would win silently: the run would not be
		// the one the command line seems to ask for.
		name, _, _ := strings.Cut(k, "=")
		if seen[name] {
			return fmt.Errorf("--knob %s: knob %s given twice", k, name)
		}
		seen[name] = true
	}
	if err := v.CheckSettings(s.Settings, settings); err != nil {
		return fmt.Errorf("--set: %w", err)
	}
	return nil
}

// expectsNA reports whether s has an `expect ED n/a` line for ed.
func expectsNA(s *scenario.Scenario, ed spec.Edition) bool {
	for _, e := range s.Expect {
		if e.Edition == ed && e.Verdict == scenario.VerdictNA {
			return true
		}
	}
	return false
}
